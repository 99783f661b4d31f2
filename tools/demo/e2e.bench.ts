/**
 * `npm run bench` section `e2e` (issue 8): the demo's open-loop load against a stack of its own
 * (the three services as processes, as deployed), reporting commands/s, command latency and
 * projection lag. With `serverUrl` the stack uses a fresh database on that server; without it,
 * embedded PostgreSQL.
 */
import { createDatabaseOn, TestDatabase } from '@ordersource/testing/postgres';
import type { BenchTable } from '../bench/bench-table';
import { runOpenLoop } from './e2e';
import { connectOrStart } from './stack';

export interface EndToEndOptions {
  /** PostgreSQL server to create the bench database on; unset: embedded PostgreSQL. */
  serverUrl?: string;
  /** Label of the target in the table. */
  target?: string;
  /** Commands per second offered (default 150). */
  rate?: number;
  /** Seconds (default 30). */
  duration?: number;
  concurrency?: number;
  seed?: number;
  log?: (line: string) => void;
}

export async function benchEndToEnd(options: EndToEndOptions = {}): Promise<BenchTable> {
  const database: TestDatabase | undefined = options.serverUrl ? await createDatabaseOn(options.serverUrl, 'os_bench_e2e') : undefined;
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: database?.url };
  if (!database) delete env.DATABASE_URL;
  try {
    const stack = await connectOrStart({ env, alwaysStart: true });
    try {
      const rate = options.rate ?? 150;
      const duration = options.duration ?? 30;
      const result = await runOpenLoop(stack, { rate, duration, concurrency: options.concurrency ?? 64, seed: options.seed ?? 8 }, options.log);
      return {
        section: 'e2e',
        target: options.target,
        rows: result.rows,
        notes: [
          result.outcome,
          `Open loop: new orders arrive at a fixed rate (${rate} commands/s over the scenario's mean commands per order) for ${duration} s; each order's lifecycle commands follow one after another against the command service; latency from each command's scheduled start. Projection lag: from a command's answer until GET /orders/{id} with X-Min-Version at its version answers 200. Command, projector and query services as separate processes; every order's views checked afterwards. 40 warm-up orders first, not measured.`,
        ],
      };
    } finally {
      await stack.stop();
    }
  } finally {
    await database?.drop();
  }
}
