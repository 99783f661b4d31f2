/**
 * restoreExport: loads a verified export into an EMPTY event store, as the owner role (like
 * migrations: it writes `position` explicitly and moves the identity sequence past it).
 *
 * One pass and one transaction: each line is verified as it is read and inserted in batches;
 * the commit happens only when the whole file, its digest and its signature have checked out,
 * so a bad file, a crash or a refusal leaves the store as empty as it was. Every event keeps
 * its id, position, times and hash, and every head its HMAC: the chain verifies unchanged.
 * In the restored log all events share one transaction, so the log order is position order.
 */
import { Client } from 'pg';
import { eventStoreMigrations } from '../postgres/migrations';
import { runMigrations } from '../postgres/database';
import type { MigrationInterface } from 'typeorm';
import { assertTableName, type ExportedEvent, type ExportedHead, type ExportManifest } from './export-format';
import { verifyExport, type BrokenExport, type VerifyProgress } from './verify-export';

const BATCH = 2000;

export class RestoreRefusedError extends Error {
  override readonly name = 'RestoreRefusedError';
  constructor(
    message: string,
    readonly broken?: BrokenExport,
  ) {
    super(message);
  }
}

export interface RestoreOptions {
  /** Other libraries' migrations (the services' tables), run before the load. */
  extraMigrations?: (new () => MigrationInterface)[];
  /** Side tables the file may carry and the restore may fill; rows of other tables are refused. */
  tables?: string[];
  onProgress?: (progress: VerifyProgress) => void;
}

export interface RestoreSummary {
  events: number;
  streams: number;
  rows: Record<string, number>;
  manifest: ExportManifest;
}

export async function restoreExport(ownerUrl: string, file: string, chainKey: string | Buffer, options: RestoreOptions = {}): Promise<RestoreSummary> {
  const tables = new Set(options.tables ?? []);
  for (const table of tables) assertTableName(table);
  await runMigrations(ownerUrl, [...eventStoreMigrations, ...(options.extraMigrations ?? [])]);
  const client = new Client({ connectionString: ownerUrl, application_name: 'ordersource-restore' });
  await client.connect();
  try {
    await client.query('BEGIN');
    // Nothing may append (or restore) beside us until the commit.
    await client.query('LOCK TABLE events, streams IN ACCESS EXCLUSIVE MODE');
    const used = await client.query<{ used: boolean }>('SELECT EXISTS (SELECT 1 FROM events) OR EXISTS (SELECT 1 FROM streams) AS used');
    if (used.rows[0].used) throw new RestoreRefusedError('the event store is not empty: restore only loads into an empty store');

    let events: ExportedEvent[] = [];
    let heads: ExportedHead[] = [];
    const rows = new Map<string, object[]>();
    let pendingRows = 0;
    const rowCounts: Record<string, number> = {};
    const flush = async () => {
      if (events.length > 0) await insertEvents(client, events);
      if (heads.length > 0) await insertHeads(client, heads);
      for (const [table, pending] of rows) if (pending.length > 0) await insertRows(client, table, pending);
      events = [];
      heads = [];
      rows.clear();
      pendingRows = 0;
    };
    const verification = await verifyExport(file, chainKey, {
      onProgress: options.onProgress,
      onLine: async (line) => {
        if (line.kind === 'event') events.push(line);
        else if (line.kind === 'head') heads.push(line);
        else if (line.kind === 'row') {
          if (!tables.has(line.table)) throw new RestoreRefusedError(`the file carries rows of "${line.table}", which this restore does not load`);
          const pending = rows.get(line.table) ?? [];
          pending.push(line.row);
          rows.set(line.table, pending);
          pendingRows += 1;
          rowCounts[line.table] = (rowCounts[line.table] ?? 0) + 1;
        }
        if (events.length + heads.length + pendingRows >= BATCH) await flush();
      },
    });
    if (!verification.ok || !verification.manifest) {
      const broken = verification.firstBroken;
      throw new RestoreRefusedError(`the export does not verify: line ${broken?.line}: ${broken?.reason}`, broken);
    }
    await flush();
    if (verification.events > 0) {
      await client.query(`SELECT setval(pg_get_serial_sequence('events', 'position'), (SELECT max(position) FROM events))`);
    }
    await client.query('COMMIT');
    return { events: verification.events, streams: verification.streams, rows: rowCounts, manifest: verification.manifest };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

export async function insertEvents(client: Client, events: readonly ExportedEvent[]): Promise<void> {
  await client.query(
    `INSERT INTO events (position, event_id, stream_id, version, type, schema_version, data, metadata, occurred_at, recorded_at, previous_hash, hash)
     OVERRIDING SYSTEM VALUE
     SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::int[], $5::text[], $6::int[], $7::jsonb[], $8::jsonb[],
                          $9::timestamptz[], $10::timestamptz[], $11::text[], $12::text[])`,
    [
      events.map((event) => event.position),
      events.map((event) => event.eventId),
      events.map((event) => event.streamId),
      events.map((event) => event.version),
      events.map((event) => event.type),
      events.map((event) => event.schemaVersion),
      events.map((event) => JSON.stringify(event.data)),
      events.map((event) => JSON.stringify(event.metadata)),
      events.map((event) => event.occurredAt),
      events.map((event) => event.recordedAt),
      events.map((event) => event.previousHash),
      events.map((event) => event.hash),
    ],
  );
}

async function insertHeads(client: Client, heads: readonly ExportedHead[]): Promise<void> {
  await client.query(
    `INSERT INTO streams (stream_id, version, head_hash, head_hmac)
     SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[])`,
    [heads.map((head) => head.streamId), heads.map((head) => head.version), heads.map((head) => head.headHash), heads.map((head) => head.headHmac)],
  );
}

async function insertRows(client: Client, table: string, rows: readonly object[]): Promise<void> {
  // A row already there (e.g. the vault check a service wrote on its first start) is kept.
  await client.query(`INSERT INTO "${table}" SELECT * FROM json_populate_recordset(NULL::"${table}", $1::json) ON CONFLICT DO NOTHING`, [JSON.stringify(rows)]);
}
