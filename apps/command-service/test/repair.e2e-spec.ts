import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { exportLog, repairStream } from '@ordersource/event-store';
import { Pool } from 'pg';
import { CommandServiceHarness, drive, placeOrder, startHarness } from './command-service.harness';

/** GET /admin/integrity shows the verdict and the repairs log that `npm run repair` writes (issue 13). */
describe('tamper repair as GET /admin/integrity shows it', () => {
  let harness: CommandServiceHarness;
  let folder: string;

  beforeAll(async () => {
    harness = await startHarness();
    folder = await mkdtemp(join(tmpdir(), 'os-repair-e2e-'));
  });

  afterAll(async () => {
    await harness?.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it('names the tampered order, and after the repair answers ok with the repair listed', async () => {
    const orderId = await placeOrder(harness);
    await drive(harness, orderId, ['authorize', 'capture']);
    // The service decodes ORDERSOURCE_CHAIN_KEY (base64) into the HMAC key.
    const chainKey = Buffer.from(harness.chainKey, 'base64');
    const file = join(folder, 'backup.ndjson');
    const pool = new Pool({ connectionString: harness.db.url, max: 1 });
    try {
      const out = createWriteStream(file);
      await exportLog(pool, chainKey, out);
      out.end();
      await finished(out);
    } finally {
      await pool.end();
    }

    await harness.pg.query('BEGIN');
    await harness.pg.query('ALTER TABLE events DISABLE TRIGGER events_no_update_delete');
    await harness.pg.query(`UPDATE events SET data = jsonb_set(data, '{amount}', '1') WHERE stream_id = $1 AND version = 2`, [`order-${orderId}`]);
    await harness.pg.query('ALTER TABLE events ENABLE TRIGGER events_no_update_delete');
    await harness.pg.query('COMMIT');
    const broken = await harness.get('/admin/integrity');
    expect(broken.body).toMatchObject({ ok: false, firstBroken: { orderId, version: 2 }, repairs: [] });

    await repairStream(harness.db.url, chainKey, `order-${orderId}`, file, { actor: 'owner:e2e', reason: 'amount edited in SQL' });
    const repaired = await harness.get('/admin/integrity');
    expect(repaired.status).toBe(200);
    expect(repaired.body).toEqual({
      ok: true,
      checked: await harness.eventCount(),
      repairs: [
        {
          repairId: expect.any(String),
          orderId,
          repairedAt: expect.stringMatching(/Z$/),
          actor: 'owner:e2e',
          exportFile: file,
          exportDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
          exportUntil: expect.stringMatching(/Z$/),
          restoredVersions: [2],
          removedVersions: [],
          headRestored: false,
          reason: 'amount edited in SQL',
        },
      ],
    });
    expect((await harness.get(`/admin/integrity?orderId=${orderId}`)).body).toMatchObject({ ok: true, checked: 3, repairs: [{ orderId }] });
    expect((await harness.get(`/admin/integrity?orderId=${crypto.randomUUID()}`)).body).toMatchObject({ repairs: [] });
  });
});
