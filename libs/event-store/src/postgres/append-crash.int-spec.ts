import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { openEventStoreDatabase, type EventStoreDatabase } from './database';
import { PostgresEventStore } from './postgres-event-store';

const CHAIN_KEY = 'crash-suite-chain-key-0123456789';
const WORKSPACE = join(__dirname, '../../../..');

describe('a process killed in the middle of appends', () => {
  let testDatabase: TestDatabase;
  let database: EventStoreDatabase;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('os_event_store_crash');
    database = await openEventStoreDatabase({ url: testDatabase.url, chainKey: CHAIN_KEY, poolSize: 2 });
  });

  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  it('leaves every append whole or absent and the chain intact', async () => {
    const killAfter = 3 + Math.floor(Math.random() * 10);
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'append-crash.child.ts')], {
      cwd: WORKSPACE,
      env: { ...process.env, CRASH_DATABASE_URL: testDatabase.url, CRASH_CHAIN_KEY: CHAIN_KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const reported = new Set<string>();
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      child.on('exit', () => reject(new Error(`child exited before the kill: ${stderr}`)));
      child.stdout.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n')) if (line.startsWith('appended ')) reported.add(line.slice(9));
        if (reported.size >= killAfter) {
          // A random moment inside the next appends: the other loops are mid-transaction.
          setTimeout(() => resolve(), Math.random() * 30);
        }
      });
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const store = new PostgresEventStore(database);
    const batches = new Map<string, { size: number; count: number }>();
    for (const streamId of ['crash-0', 'crash-1', 'crash-2', 'crash-3']) {
      const events = await store.readStream(streamId);
      expect(events.map((event) => event.version)).toEqual(events.map((_, index) => index + 1));
      for (const event of events) {
        const batchId = event.metadata.batchId as string;
        const batch = batches.get(batchId) ?? { size: event.metadata.batchSize as number, count: 0 };
        batch.count++;
        batches.set(batchId, batch);
      }
    }
    for (const batchId of reported) expect(batches.has(batchId)).toBe(true);
    for (const batch of batches.values()) expect(batch.count).toBe(batch.size);
    expect(await store.verifyIntegrity()).toMatchObject({ ok: true, checked: [...batches.values()].reduce((sum, b) => sum + b.count, 0) });
  }, 60_000);
});
