import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
import { Client } from 'pg';
import { runImportCli } from './import-cli';

describe('npm run import', () => {
  let db: TestDatabase;
  let dir: string;
  const masterKey = randomBytes(32).toString('base64');
  const chainKey = randomBytes(32).toString('base64');
  const env = () => ({ DATABASE_URL: db.url, ORDERSOURCE_MASTER_KEY: masterKey, ORDERSOURCE_CHAIN_KEY: chainKey });

  beforeAll(async () => {
    db = await createTestDatabase('os_import_cli');
    dir = mkdtempSync(join(tmpdir(), 'ordersource-import-'));
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  });

  function order(placedAt: string, steps: object[]) {
    return JSON.stringify({
      customerId: 'cust-cli',
      currency: 'USD',
      items: [{ sku: 'SKU-9', quantity: 3, unitPrice: 700 }],
      shippingAddress: { name: 'Alan Turing', line1: '2 Bletchley Park', city: 'Milton Keynes', postalCode: 'MK3 6EB', country: 'GB' },
      placedAt,
      steps,
    });
  }

  async function run(file: string) {
    const lines: string[] = [];
    const code = await runImportCli([file, '--actor', 'migration-bot'], env(), { log: (line) => lines.push(line), error: (line) => lines.push(line), tty: false });
    return { code, summary: JSON.parse(lines[lines.length - 1]), lines };
  }

  it('imports a file, prints the rejected lines and the summary as its last line, and imports nothing on a re-run', async () => {
    const file = join(dir, 'orders.ndjson');
    writeFileSync(
      file,
      [
        order('2026-01-05T08:00:00.000Z', [{ command: 'fail-payment', at: '2026-01-05T08:01:00.000Z', reason: 'insufficient funds', method: 'card' }]),
        order('2026-01-06T08:00:00.000Z', [{ command: 'refund', at: '2026-01-06T09:00:00.000Z', amount: 100, reason: 'x' }]),
        order('2026-01-07T08:00:00.000Z', [{ command: 'authorize', at: '2026-01-07T08:00:30.000Z', amount: 2100, method: 'wallet' }]),
      ].join('\n'),
    );
    const first = await run(file);
    expect(first.code).toBe(1);
    expect(first.summary).toMatchObject({ lines: 3, imported: 2, rejected: [{ line: 2, type: 'payment-not-captured' }] });
    expect(first.lines.some((line) => line.startsWith('  line 2: payment-not-captured'))).toBe(true);

    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const actors = await client.query<{ actor: string }>("SELECT DISTINCT metadata->>'actor' AS actor FROM events");
      expect(actors.rows).toEqual([{ actor: 'import:migration-bot' }]);
      const before = (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0].n;
      expect(before).toBe(4);
      const again = await run(file);
      expect(again.summary).toMatchObject({ imported: 0, alreadyImported: 2 });
      expect((await client.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0].n).toBe(before);
    } finally {
      await client.end();
    }
  });

  it('refuses a call without exactly one file', async () => {
    const lines: string[] = [];
    expect(await runImportCli([], env(), { log: (line) => lines.push(line), error: (line) => lines.push(line), tty: false })).toBe(2);
    expect(lines.join('\n')).toContain('usage: npm run import');
  });
});
