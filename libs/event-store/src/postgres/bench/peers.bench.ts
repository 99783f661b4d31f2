/**
 * `npm run bench -- peers`: ordersource's PostgresEventStore beside the published Emmett
 * PostgreSQL event store (@event-driven-io/emmett-postgresql, a devDependency at an exact
 * version) and the raw-`pg` floor, on the same server, same workloads, same events. Each store
 * gets a database of its own on that server; Emmett runs in a child process (peers.child.ts says
 * why). Repetitions are interleaved and the three sides take turns going first; figures are the
 * medians over repetitions and each ratio the median of the repetitions' ratios.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import type { BenchRow, BenchTable } from '@ordersource/platform';
import { createDatabaseOn, type TestDatabase } from '@ordersource/testing/postgres';
import { openEventStoreDatabase, type EventStoreDatabase } from '../database';
import { PostgresEventStore } from '../postgres-event-store';
import { median, type PeerRequest, type PeerResult } from './peers.workloads';
import { APPEND_WORKLOADS as WORKLOADS, ordersourceSide, RAW_EVENTS_DDL, rawSide, WRITERS } from './store-sides';

const PAGE = 1000;
const REPETITIONS = Number(process.env.PEERS_REPETITIONS ?? 3);
/** Appends per workload and repetition; PEERS_SCALE multiplies them (e.g. 2.5 for 5,000 1-event appends). */
const SCALE = Number(process.env.PEERS_SCALE ?? 1);

type Side = 'raw' | 'emmett' | 'ordersource';
const SIDES: Side[] = ['raw', 'emmett', 'ordersource'];

export async function benchPeers(serverUrl: string): Promise<BenchTable> {
  const databases: TestDatabase[] = [];
  let database: EventStoreDatabase | undefined;
  let raw: Pool | undefined;
  let emmett: EmmettChild | undefined;
  try {
    for (const prefix of ['os_bench_peer_raw', 'os_bench_peer_emmett', 'os_bench_peer_os']) databases.push(await createDatabaseOn(serverUrl, prefix));
    raw = new Pool({ connectionString: databases[0].url, max: WRITERS + 1 });
    await raw.query(RAW_EVENTS_DDL);
    const peer = await EmmettChild.start(databases[1].url);
    emmett = peer;
    database = await openEventStoreDatabase({ url: databases[2].url, chainKey: randomBytes(32), poolSize: WRITERS + 1 });
    const sides: Record<Side, (request: PeerRequest) => Promise<PeerResult>> = {
      raw: rawSide(raw),
      emmett: (request) => peer.run(request),
      ordersource: ordersourceSide(new PostgresEventStore(database)),
    };

    const requests: { name: string; unit: string; request: PeerRequest }[] = [
      ...WORKLOADS.map((w) => ({
        name: w.name,
        unit: 'events/s',
        request: { kind: 'append', batch: w.batch, writers: w.writers, appends: Math.max(10, Math.round(w.appends * SCALE)) } as PeerRequest,
      })),
      { name: `read all, pages of ${PAGE}`, unit: 'events/s', request: { kind: 'read', page: PAGE } },
    ];
    // Warm-up: schemas, prepared statements, JIT; a fifth of each append workload, not measured.
    for (const { request } of requests.slice(0, WORKLOADS.length)) {
      const warm = { ...request, appends: Math.ceil((request as { appends: number }).appends / 5) } as PeerRequest;
      for (const side of SIDES) await sides[side](warm);
    }

    const results = requests.map(() => ({ raw: [], emmett: [], ordersource: [] }) as Record<Side, PeerResult[]>);
    for (let repetition = 0; repetition < REPETITIONS; repetition++) {
      for (const [index, { request }] of requests.entries()) {
        const order = SIDES.map((_, i) => SIDES[(i + repetition + index) % SIDES.length]);
        for (const side of order) results[index][side].push(await sides[side](request));
      }
    }

    const rows: BenchRow[] = [];
    const notes: string[] = [];
    for (const [index, { name, unit, request }] of requests.entries()) {
      const r = results[index];
      const rate = (side: Side) => Math.round(median(r[side].map((x) => x.rate)));
      const ratio = (side: Side) => Math.round(median(r[side].map((x, i) => x.rate / r.raw[i].rate)) * 100) / 100;
      rows.push({ name: `${name}: raw pg`, unit, value: rate('raw') });
      rows.push({ name: `${name}: Emmett`, unit, value: rate('emmett'), floor: rate('raw'), ratio: ratio('emmett') });
      rows.push({ name: `${name}: ordersource`, unit, value: rate('ordersource'), floor: rate('raw'), ratio: ratio('ordersource') });
      const ahead = median(r.ordersource.map((x, i) => x.rate / r.emmett[i].rate));
      const cpu = (side: Side) => (median(r[side].map((x) => x.cpuMsPerOp)) * (request.kind === 'read' ? 1000 : 1)).toFixed(2);
      notes.push(
        `${name}: ordersource / Emmett ${ahead.toFixed(2)}; client CPU per ${request.kind === 'read' ? '1000 events' : 'append'}: ` +
          `raw ${cpu('raw')} ms, Emmett ${cpu('emmett')} ms, ordersource ${cpu('ordersource')} ms`,
      );
    }
    notes.push(
      `Emmett ${emmettVersion()} (@event-driven-io/emmett-postgresql) in a child process; ${REPETITIONS} interleaved repetitions, medians; ` +
        `appends per repetition: ${requests
          .slice(0, WORKLOADS.length)
          .map((x) => (x.request as { appends: number }).appends)
          .join(', ')}. ` +
        'Raw pg: one multi-row parameterised INSERT per append into a bare table (autocommit, no indexes, no chain); read: keyset SELECT of the same rows.',
    );
    return { section: 'peers', rows, notes };
  } finally {
    await emmett?.stop();
    await raw?.end();
    await database?.close();
    for (const db of databases) await db.drop();
  }
}

function emmettVersion(): string {
  // The package's exports map hides package.json; the root package.json pins it exactly.
  const manifest = JSON.parse(readFileSync(join(__dirname, '../../../../../package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  return manifest.devDependencies['@event-driven-io/emmett-postgresql'];
}

class EmmettChild {
  private pending: ((message: { ok: boolean; error?: string } & PeerResult) => void) | undefined;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: { ok: boolean; error?: string } & PeerResult) => {
      const resolve = this.pending;
      this.pending = undefined;
      resolve?.(message);
    });
  }

  static async start(url: string): Promise<EmmettChild> {
    const child = fork(join(__dirname, 'peers.child.ts'), [], {
      execArgv: ['-r', '@swc-node/register'],
      cwd: join(__dirname, '../../../../..'),
      env: { ...process.env, PEER_DATABASE_URL: url },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`Emmett child exited (${code}) before it was ready`)));
    });
    return new EmmettChild(child);
  }

  run(request: PeerRequest): Promise<PeerResult> {
    return new Promise((resolve, reject) => {
      this.pending = (message) => (message.ok ? resolve({ rate: message.rate, cpuMsPerOp: message.cpuMsPerOp }) : reject(new Error(message.error)));
      this.child.send(request);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
