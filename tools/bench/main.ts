/**
 * `npm run bench [-- section ...]`: runs the benchmark sections (all by default) against
 * embedded PostgreSQL 18 (always started here) and, when DATABASE_URL is set, that server too,
 * then rewrites BENCHMARKS.md. Figures are ratios to the raw-`pg` floor measured in the same
 * run on the same server, never absolute promises: the machine is shared and small.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchPeers, benchStore } from '@ordersource/event-store/bench';

import { benchRecovery } from '@ordersource/event-store/recovery-bench';
import { benchDistribution } from '@ordersource/messaging/bench';
import { benchProjections } from '@ordersource/read-models/bench';
import { benchRebuild } from '@ordersource/read-models/rebuild-bench';
import { benchAnalyticsProjection } from '@ordersource/read-models/analytics-bench';
import { benchForecast } from '@ordersource/analytics/bench';
import { startEmbeddedPostgres } from '@ordersource/platform';
import { startMongoTestServer } from '@ordersource/testing/mongo-server';
import { BenchTable, markdownTable } from './bench-table';
import { benchEndToEnd } from '../demo/e2e.bench';
import { benchCommands } from './commands.bench';
import { benchImport } from './import.bench';
import { benchQueries } from './queries.bench';

interface Target {
  label: string;
  url: string;
}

type Section = (target: Target) => Promise<BenchTable[]>;

const sections: Record<string, Section> = {
  store: async (target) => [await benchStore(target.url)],
  peers: async (target) => [await benchPeers(target.url)],
  recovery: async (target) => [await benchRecovery(target.url)],
  commands: async (target) => [await benchCommands(target.url, target.label)],
  distribution: async (target) => [await benchDistribution(target.url)],
  queries: async (target) => {
    const mongo = await startMongoTestServer();
    try {
      return [await benchProjections(target.url, `${mongo.url}/os_bench`), await benchQueries(target.url)];
    } finally {
      await mongo.stop();
    }
  },
  rebuild: async (target) => {
    const mongo = await startMongoTestServer();
    try {
      return [await benchRebuild(target.url, `${mongo.url}/os_bench_rebuild`)];
    } finally {
      await mongo.stop();
    }
  },
  e2e: async (target) => [await benchEndToEnd({ serverUrl: target.url, target: target.label })],
  import: async (target) => [await benchImport(target.url, target.label)],
  analytics: async (target) => {
    const mongo = await startMongoTestServer();
    try {
      return [await benchAnalyticsProjection(target.url, `${mongo.url}/os_bench_analytics`), benchForecast()];
    } finally {
      await mongo.stop();
    }
  },
};

async function main(): Promise<void> {
  const asked = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const unknown = asked.filter((name) => !sections[name]);
  if (unknown.length > 0) throw new Error(`unknown section(s) ${unknown.join(', ')}; known: ${Object.keys(sections).join(', ')}`);
  const chosen = asked.length > 0 ? asked : Object.keys(sections);
  const dataDir = mkdtempSync(join(tmpdir(), 'ordersource-bench-pg-'));
  const embedded = await startEmbeddedPostgres({ dataDir });
  const targets: Target[] = [{ label: 'embedded PostgreSQL 18', url: embedded.url }];
  if (process.env.DATABASE_URL) targets.push({ label: `DATABASE_URL (${await serverVersion(process.env.DATABASE_URL)})`, url: process.env.DATABASE_URL });
  const results: { section: string; target: string; tables: BenchTable[] }[] = [];
  try {
    for (const section of chosen) {
      for (const target of targets) {
        console.log(`bench: ${section} on ${target.label}…`);
        const tables = await sections[section](target);
        for (const table of tables) console.log(`${table.section} (${target.label})\n${markdownTable(table)}\n`);
        results.push({ section, target: target.label, tables });
      }
    }
  } finally {
    await embedded.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (chosen.length < Object.keys(sections).length) {
    // A partial run must not replace the full record with a few of its sections.
    console.log('bench: some sections only, so BENCHMARKS.md is left as it is (run `npm run bench` to rewrite it)');
    return;
  }
  writeFileSync(join(__dirname, '..', '..', 'BENCHMARKS.md'), render(results));
  console.log('bench: BENCHMARKS.md written');
}

async function serverVersion(url: string): Promise<string> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return `PostgreSQL ${rows[0].server_version.split(' ')[0]}`;
  } finally {
    await client.end();
  }
}

function render(results: { section: string; target: string; tables: BenchTable[] }[]): string {
  const command = 'DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench';
  const lines = [
    '# Benchmarks',
    '',
    `Produced by \`${command}\` on ${new Date().toISOString().slice(0, 10)} (2 cores, 24 GiB; other work may share the machine).`,
    'Each ratio is against the raw-`pg` floor measured in the same run on the same server: the cheapest',
    'equivalent work done with plain `pg`. Rerun the command to refresh every table.',
    '',
  ];
  for (const { target, tables } of results) {
    for (const table of tables) lines.push(`## ${table.section} — ${target}`, '', markdownTable(table), '');
  }
  return `${lines.join('\n')}\n`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
