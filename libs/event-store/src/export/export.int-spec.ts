import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import { Client } from 'pg';
import type { NewEvent } from '../event-store.port';
import { openEventStoreDatabase, type EventStoreDatabase } from '../postgres/database';
import { PostgresEventStore } from '../postgres/postgres-event-store';
import { exportLog, PostgresRepairLog, repairStream, RepairRefusedError, restoreExport, RestoreRefusedError, verifyExport } from './index';

const CHAIN_KEY = 'export-suite-chain-key-0123456789';

const event = (index: number): NewEvent => ({
  type: 'ItemAdded',
  schemaVersion: 1,
  data: { index, note: `line ${index}`, nested: { b: [1, 2.5, 'x'], a: null } },
  metadata: { correlationId: `c-${index % 3}`, causationId: 'r', actor: 'operator:alice' },
  occurredAt: '2026-01-01T00:00:00.000Z',
});

async function openStore(url: string): Promise<{ database: EventStoreDatabase; store: PostgresEventStore }> {
  const database = await openEventStoreDatabase({ url, chainKey: CHAIN_KEY, poolSize: 3 });
  return { database, store: new PostgresEventStore(database) };
}

async function exportTo(database: EventStoreDatabase, file: string, until?: Date) {
  const out = createWriteStream(file);
  const summary = await exportLog(database.pool, CHAIN_KEY, out, { until });
  out.end();
  await finished(out);
  return summary;
}

async function query<T extends object>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

const headsOf = (url: string) => query(url, 'SELECT stream_id, version, head_hash, head_hmac FROM streams ORDER BY stream_id');
const eventsOf = (url: string) =>
  query(url, 'SELECT position, event_id, stream_id, version, type, schema_version, data, metadata, occurred_at, recorded_at, previous_hash, hash FROM events ORDER BY position');

describe('export, verify and restore of the log', () => {
  let source: TestDatabase;
  let target: TestDatabase;
  let opened: { database: EventStoreDatabase; store: PostgresEventStore };
  let folder: string;

  beforeEach(async () => {
    [source, target] = await Promise.all([createTestDatabase('os_export_src'), createTestDatabase('os_export_dst')]);
    opened = await openStore(source.url);
    folder = await mkdtemp(join(tmpdir(), 'os-export-'));
    for (let stream = 0; stream < 12; stream++) {
      await opened.store.appendToStream(`order-${stream}`, 'no_stream', [event(stream), event(stream + 100)]);
      await opened.store.appendToStream(`order-${stream}`, 2, [event(stream + 200)]);
    }
  });

  afterEach(async () => {
    await opened?.database.close();
    await Promise.all([source?.drop(), target?.drop()]);
    await rm(folder, { recursive: true, force: true });
  });

  it('restores a verified export into an empty store: same events, heads and a chain that verifies', async () => {
    const file = join(folder, 'log.ndjson');
    const summary = await exportTo(opened.database, file);
    expect(summary.manifest).toMatchObject({ events: 36, streams: 12 });
    expect(await verifyExport(file, CHAIN_KEY)).toMatchObject({ ok: true, events: 36, streams: 12 });

    const restored = await restoreExport(target.url, file, CHAIN_KEY);
    expect(restored).toMatchObject({ events: 36, streams: 12 });
    expect(await eventsOf(target.url)).toEqual(await eventsOf(source.url));
    expect(await headsOf(target.url)).toEqual(await headsOf(source.url));
    const restoredStore = await openStore(target.url);
    try {
      expect(await restoredStore.store.verifyIntegrity()).toEqual({ ok: true, checked: 36 });
      // The identity sequence moved past the restored positions: new appends continue the log.
      const appended = await restoredStore.store.appendToStream('order-0', 3, [event(999)]);
      expect(BigInt((appended as { position: string }).position)).toBeGreaterThan(BigInt(summary.manifest.lastPosition));
      expect(await restoredStore.store.verifyIntegrity('order-0')).toEqual({ ok: true, checked: 4 });
    } finally {
      await restoredStore.database.close();
    }
  });

  it('refuses to restore into a store that holds events, and leaves it unchanged', async () => {
    const file = join(folder, 'log.ndjson');
    await exportTo(opened.database, file);
    await expect(restoreExport(source.url, file, CHAIN_KEY)).rejects.toThrow(RestoreRefusedError);
    expect(await eventsOf(source.url)).toHaveLength(36);
  });

  it('names the edited event of an edited export, and a restore of it writes nothing', async () => {
    const file = join(folder, 'log.ndjson');
    await exportTo(opened.database, file);
    const lines = (await readFile(file, 'utf8')).split('\n');
    const index = lines.findIndex((line) => line.includes('"streamId":"order-7"') && line.includes('"version":2'));
    const original = JSON.parse(lines[index]);
    lines[index] = JSON.stringify({ ...original, data: { ...original.data, note: 'changed' } });
    await writeFile(file, lines.join('\n'));

    const verdict = await verifyExport(file, CHAIN_KEY);
    expect(verdict).toMatchObject({
      ok: false,
      firstBroken: { line: index + 1, streamId: 'order-7', version: 2, position: original.position, eventId: original.eventId, reason: expect.stringMatching(/hash/) },
    });
    await expect(restoreExport(target.url, file, CHAIN_KEY)).rejects.toThrow(/line \d+: hash/);
    expect(await eventsOf(target.url)).toHaveLength(0);
  });

  it('refuses a file with a whole stream dropped, one checked with another chain key, and a truncated one', async () => {
    const file = join(folder, 'log.ndjson');
    await exportTo(opened.database, file);
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    // Dropping a whole stream (its events and head) keeps every chain intact; only the manifest can tell.
    const kept = lines.filter((line) => !line.includes('"streamId":"order-3"'));
    await writeFile(file, `${kept.join('\n')}\n`);
    expect(await verifyExport(file, CHAIN_KEY)).toMatchObject({ ok: false, firstBroken: { line: kept.length, reason: expect.stringMatching(/digest/) } });
    expect(await verifyExport(join(folder, 'log.ndjson'), 'another-chain-key-0123456789abcdef')).toMatchObject({ ok: false, firstBroken: { reason: expect.stringMatching(/HMAC/) } });
    await writeFile(file, `${lines.slice(0, -5).join('\n')}\n`);
    expect(await verifyExport(file, CHAIN_KEY)).toMatchObject({ ok: false, firstBroken: { reason: expect.stringMatching(/head|truncated/) } });
  });

  it('exports up to a point in time: later events are left out and a cut stream gets a head at its cut', async () => {
    const [{ now }] = await query<{ now: Date }>(source.url, 'SELECT clock_timestamp() AS now');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await opened.store.appendToStream('order-1', 3, [event(301)]);
    await opened.store.appendToStream('order-new', 'no_stream', [event(302)]);
    const file = join(folder, 'until.ndjson');
    const summary = await exportTo(opened.database, file, now);
    expect(summary.manifest).toMatchObject({ events: 36, streams: 12 });
    expect(await verifyExport(file, CHAIN_KEY)).toMatchObject({ ok: true, events: 36 });
    await restoreExport(target.url, file, CHAIN_KEY);
    const restored = await openStore(target.url);
    try {
      expect(await restored.store.streamVersion('order-1')).toBe(3);
      expect(await restored.store.streamVersion('order-new')).toBe(0);
      expect(await restored.store.verifyIntegrity()).toEqual({ ok: true, checked: 36 });
    } finally {
      await restored.database.close();
    }
  });
});

describe('repair of a tampered stream from a verified export', () => {
  let testDatabase: TestDatabase;
  let opened: { database: EventStoreDatabase; store: PostgresEventStore };
  let folder: string;
  let file: string;
  let owner: Client;

  beforeEach(async () => {
    testDatabase = await createTestDatabase('os_repair');
    opened = await openStore(testDatabase.url);
    folder = await mkdtemp(join(tmpdir(), 'os-repair-'));
    for (const stream of ['order-a', 'order-b', 'order-c']) {
      await opened.store.appendToStream(stream, 'no_stream', [event(1), event(2), event(3), event(4)]);
    }
    file = join(folder, 'backup.ndjson');
    await exportTo(opened.database, file);
    owner = new Client({ connectionString: testDatabase.url });
    await owner.connect();
  });

  afterEach(async () => {
    await owner?.end();
    await opened?.database.close();
    await testDatabase?.drop();
    await rm(folder, { recursive: true, force: true });
  });

  /** The owner role rewriting history by hand: the trigger must be switched off first. */
  async function tamper(sql: string): Promise<void> {
    await owner.query('BEGIN');
    await owner.query('ALTER TABLE events DISABLE TRIGGER events_no_update_delete');
    await owner.query(sql);
    await owner.query('ALTER TABLE events ENABLE TRIGGER events_no_update_delete');
    await owner.query('COMMIT');
  }

  it('finds a row the owner changed in SQL, restores it, records the repair, and leaves the chain ok', async () => {
    await opened.store.appendToStream('order-b', 4, [event(5)]); // appended after the export: kept
    await tamper(`UPDATE events SET data = '{"index": 99}' WHERE stream_id = 'order-b' AND version = 2`);
    expect(await opened.store.verifyIntegrity()).toMatchObject({ ok: false, firstBroken: { streamId: 'order-b', version: 2 } });

    const result = await repairStream(testDatabase.url, CHAIN_KEY, 'order-b', file, { actor: 'owner:test' });
    expect(result).toMatchObject({ repaired: true, integrity: { ok: true, checked: 5 }, record: { streamId: 'order-b', restoredVersions: [2], removedVersions: [], headRestored: false } });
    expect(await opened.store.verifyIntegrity()).toEqual({ ok: true, checked: 13 });
    expect((await opened.store.readStream('order-b')).map((e) => e.data.index)).toEqual([1, 2, 3, 4, 5]);
    // The services' pool reads the repairs log.
    const log = await new PostgresRepairLog(opened.database.pool).recent();
    expect(log).toEqual([{ ...result.record, repairedAt: expect.stringMatching(/^\d{4}-.*Z$/) }]);
    expect(log[0].repairedAt).toBe(result.record?.repairedAt);
  });

  it('puts back a deleted tail and the head rewritten to hide it', async () => {
    await tamper(`DELETE FROM events WHERE stream_id = 'order-c' AND version > 2`);
    await owner.query(`UPDATE streams SET version = 2, head_hash = (SELECT hash FROM events WHERE stream_id = 'order-c' AND version = 2) WHERE stream_id = 'order-c'`);
    expect(await opened.store.verifyIntegrity('order-c')).toMatchObject({ ok: false, firstBroken: { reason: expect.stringMatching(/HMAC/) } });
    const result = await repairStream(testDatabase.url, CHAIN_KEY, 'order-c', file, { actor: 'owner:test' });
    expect(result.record).toMatchObject({ restoredVersions: [3, 4], headRestored: true });
    expect(await opened.store.verifyIntegrity()).toEqual({ ok: true, checked: 12 });
    expect(await opened.store.streamVersion('order-c')).toBe(4);
  });

  it('does nothing to a stream that matches the export, and a dry run writes nothing', async () => {
    expect(await repairStream(testDatabase.url, CHAIN_KEY, 'order-a', file, { actor: 'owner:test' })).toMatchObject({ repaired: false, integrity: { ok: true } });
    await tamper(`UPDATE events SET metadata = metadata || '{"actor": "mallory"}' WHERE stream_id = 'order-a' AND version = 3`);
    const dry = await repairStream(testDatabase.url, CHAIN_KEY, 'order-a', file, { actor: 'owner:test', dryRun: true });
    expect(dry).toMatchObject({ repaired: false, dryRun: true, record: { restoredVersions: [3] }, integrity: { ok: true } });
    expect(await opened.store.verifyIntegrity('order-a')).toMatchObject({ ok: false, firstBroken: { version: 3 } });
    expect(await new PostgresRepairLog(opened.database.pool).recent()).toEqual([]);
  });

  it('refuses to repair from an export that does not verify', async () => {
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('"line 2"', '"line 7"'));
    await expect(repairStream(testDatabase.url, CHAIN_KEY, 'order-a', file, { actor: 'owner:test' })).rejects.toThrow(RepairRefusedError);
  });

  it('keeps the append-only guarantees for the services: no update even with the repair flag, and none for the owner without it', async () => {
    const app = await opened.database.pool.connect();
    try {
      await app.query('BEGIN');
      await app.query(`SET LOCAL ordersource.repair = 'on'`);
      await expect(app.query(`UPDATE events SET data = '{}' WHERE stream_id = 'order-a'`)).rejects.toThrow(/permission denied/);
      await app.query('ROLLBACK');
      await expect(app.query(`SELECT 1 FROM repairs`)).resolves.toBeDefined();
      await expect(app.query(`INSERT INTO repairs (repair_id, stream_id, actor, export_file, export_digest, export_until, restored_versions, removed_versions, head_restored, reason)
        VALUES (gen_random_uuid(), 's', 'a', 'f', 'd', now(), '{}', '{}', false, 'r')`)).rejects.toThrow(/permission denied/);
    } finally {
      app.release();
    }
    await expect(owner.query(`UPDATE events SET data = '{}' WHERE stream_id = 'order-a'`)).rejects.toThrow(/append-only/);
    await expect(owner.query(`DELETE FROM events WHERE stream_id = 'order-a'`)).rejects.toThrow(/append-only/);
  });
});
