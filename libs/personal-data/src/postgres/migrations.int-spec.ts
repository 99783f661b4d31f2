import { randomBytes } from 'node:crypto';
// Test support in a test file: the root depConstraints do not yet exempt *.int-spec.ts.
import { createTestDatabase } from '@ordersource/testing/postgres';
import { DataSource } from 'typeorm';
import { createPersonalDataVault } from '../create-personal-data-vault';
import { ERASED } from '../envelope';
import { openVaultDatabase, type VaultDatabase } from '../specs/support/vault-database';
import { PersonalDataVault1795000000000 } from './migrations';

let database: VaultDatabase;
let asApp: DataSource;

beforeAll(async () => {
  // The services' role is cluster-wide; create it when this server lacks it (never dropped:
  // other suites and services may rely on it). Concurrent suites may race to create it.
  await new DataSource({ type: 'postgres', url: process.env.DATABASE_URL }).initialize().then(async (admin) => {
    await admin.query(`DO $$ BEGIN CREATE ROLE ordersource_app NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
    await admin.destroy();
  });
  database = await openVaultDatabase(await createTestDatabase('os_pd'));
  // Sessions of the superuser that switch to the services' role at connect time.
  asApp = await new DataSource({ type: 'postgres', url: database.db.url, extra: { options: '-c role=ordersource_app' } }).initialize();
});

afterAll(async () => {
  await asApp?.destroy();
  await database.close();
});

describe('personal-data migrations', () => {
  it('can run again over an existing schema without error or data loss', async () => {
    await database.dataSource.query("INSERT INTO erased_customers (customer_id) VALUES ('kept')");
    const runner = database.dataSource.createQueryRunner();
    try {
      await new PersonalDataVault1795000000000().up(runner);
    } finally {
      await runner.release();
    }
    expect(await database.dataSource.query("SELECT customer_id FROM erased_customers WHERE customer_id = 'kept'")).toHaveLength(1);
  });

  it('lets the services role seal, open, forget and check the master key, and nothing more', async () => {
    expect(await asApp.query('SELECT current_user AS who')).toEqual([{ who: 'ordersource_app' }]);
    const vault = await createPersonalDataVault({ dataSource: asApp, masterKey: randomBytes(32) });
    const sealed = await vault.sealEventData('customer-app', 'PaymentRefunded', { orderId: 'o', amount: 5, reason: 'broken lid' });
    expect((await vault.openEventData('PaymentRefunded', sealed)).reason).toBe('broken lid');
    await vault.forgetCustomer('customer-app');
    await vault.sealEventData('customer-app', 'PaymentFailed', { orderId: 'o', reason: 'new key' });
    await vault.forgetCustomer('customer-app');
    expect((await vault.openEventData('PaymentRefunded', sealed)).reason).toBe(ERASED);

    await expect(asApp.query("UPDATE erased_customers SET erased_at = now() WHERE customer_id = 'kept'")).rejects.toThrow(/permission denied/);
    await expect(asApp.query('DELETE FROM vault_check')).rejects.toThrow(/permission denied/);
  });

  it('refuses to be reverted, since dropping the keys would erase every customer', async () => {
    await expect(new PersonalDataVault1795000000000().down()).rejects.toThrow(/not reversible/);
  });
});
