import { randomBytes } from 'node:crypto';
// Test support in a test file: the root depConstraints do not yet exempt *.int-spec.ts.
import { createTestDatabase } from '@ordersource/testing/postgres';
import { createPersonalDataVault } from './create-personal-data-vault';
import { ERASED } from './envelope';
import { runForgetCli } from './forget-cli';
import type { PersonalDataVault } from './personal-data-vault';
import { openVaultDatabase, type VaultDatabase } from './specs/support/vault-database';

const masterKey = randomBytes(32);
let database: VaultDatabase;
let vault: PersonalDataVault;

beforeAll(async () => {
  database = await openVaultDatabase(await createTestDatabase('os_pd'));
  vault = await createPersonalDataVault({ dataSource: database.dataSource, masterKey });
});

afterAll(() => database.close());

async function run(argv: string[], env: Record<string, string | undefined>) {
  let stdout = '';
  let stderr = '';
  const code = await runForgetCli(argv, env, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { code, stdout, stderr };
}

describe('npm run forget -- <customerId>', () => {
  it('erases the customer and prints {customerId, erasedAt}', async () => {
    const sealed = await vault.sealEventData('customer-cli', 'OrderDelivered', { orderId: 'o1', receivedBy: 'Charles Babbage' });
    const env = { DATABASE_URL: database.db.url, ORDERSOURCE_MASTER_KEY: masterKey.toString('base64') };
    const result = await run(['customer-cli'], env);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual({ customerId: 'customer-cli', erasedAt: expect.any(String) });
    expect((await vault.openEventData('OrderDelivered', sealed)).receivedBy).toBe(ERASED);
    expect(JSON.parse((await run(['customer-cli'], env)).stdout)).toEqual(JSON.parse(result.stdout));
  });

  it('fails clearly without a master key, with a wrong one, or without a database', async () => {
    const missingKey = await run(['customer-x'], { DATABASE_URL: database.db.url });
    expect(missingKey).toMatchObject({ code: 1, stdout: '', stderr: expect.stringContaining('ORDERSOURCE_MASTER_KEY is required') });
    const wrongKey = await run(['customer-x'], { DATABASE_URL: database.db.url, ORDERSOURCE_MASTER_KEY: randomBytes(32).toString('hex') });
    expect(wrongKey).toMatchObject({ code: 1, stdout: '', stderr: expect.stringContaining('not the master key') });
    const noDatabase = await run(['customer-x'], { ORDERSOURCE_MASTER_KEY: masterKey.toString('hex') });
    expect(noDatabase).toMatchObject({ code: 1, stderr: expect.stringContaining('DATABASE_URL is required') });
    expect(await vault.isErased('customer-x')).toBe(false);
  });

  it('fails clearly on a database the services have not migrated', async () => {
    const bare = await createTestDatabase('os_pd');
    try {
      const result = await run(['customer-x'], { DATABASE_URL: bare.url, ORDERSOURCE_MASTER_KEY: masterKey.toString('base64') });
      expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining('run the service migrations') });
    } finally {
      await bare.drop();
    }
  });

  it('prints usage for a missing, extra or invalid customer id', async () => {
    for (const argv of [[], ['a', 'b'], ['--help'], ['x'.repeat(65)], ['bad\u0007id']]) {
      expect(await run(argv, {})).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('usage: npm run forget') });
    }
  });
});
