import { randomBytes } from 'node:crypto';
import { ConfigError } from '@ordersource/platform';
// Test support in a test file: the root depConstraints do not yet exempt *.int-spec.ts.
import { createTestDatabase } from '@ordersource/testing/postgres';
import { createPersonalDataVault } from '../create-personal-data-vault';
import { openVaultDatabase, type VaultDatabase } from '../specs/support/vault-database';

const rightKey = randomBytes(32);
const wrongKey = randomBytes(32);
let database: VaultDatabase;

beforeAll(async () => {
  database = await openVaultDatabase(await createTestDatabase('os_pd'));
  // The first start registers its master key; everything below runs against that database.
  const vault = await createPersonalDataVault({ dataSource: database.dataSource, masterKey: rightKey });
  await vault.sealEventData('customer-a', 'PaymentFailed', { orderId: 'o1', reason: 'declined' });
});

afterAll(() => database.close());

describe('master key check at start-up', () => {
  it('refuses a wrong master key with a message that names it', async () => {
    const start = createPersonalDataVault({ dataSource: database.dataSource, masterKey: wrongKey });
    await expect(start).rejects.toThrow(ConfigError);
    await expect(createPersonalDataVault({ dataSource: database.dataSource, masterKey: wrongKey })).rejects.toThrow(
      /ORDERSOURCE_MASTER_KEY is not the master key this database was set up with/,
    );
  });

  it('accepts the master key the database was set up with', async () => {
    const vault = await createPersonalDataVault({ dataSource: database.dataSource, masterKey: rightKey });
    const sealed = await vault.sealEventData('customer-a', 'PaymentFailed', { orderId: 'o2', reason: 'declined again' });
    expect((await vault.openEventData('PaymentFailed', sealed)).reason).toBe('declined again');
  });

  it('refuses a missing or short master key with a message that names the variable', async () => {
    await expect(createPersonalDataVault({ dataSource: database.dataSource, masterKey: undefined })).rejects.toThrow(/ORDERSOURCE_MASTER_KEY is required/);
    await expect(createPersonalDataVault({ dataSource: database.dataSource, masterKey: randomBytes(16) })).rejects.toThrow(/ORDERSOURCE_MASTER_KEY must be 32 bytes/);
  });

  it('still refuses a wrong key when the check row was removed but wrapped keys exist', async () => {
    await database.dataSource.query('DELETE FROM vault_check');
    await expect(createPersonalDataVault({ dataSource: database.dataSource, masterKey: wrongKey })).rejects.toThrow(/not the master key/);
    const [{ n }] = await database.dataSource.query('SELECT count(*)::int AS n FROM vault_check');
    expect(n).toBe(0);
    await createPersonalDataVault({ dataSource: database.dataSource, masterKey: rightKey });
    const [{ restored }] = await database.dataSource.query('SELECT count(*)::int AS restored FROM vault_check');
    expect(restored).toBe(1);
  });

  it('reports missing tables as a migration step, not a SQL error', async () => {
    const bare = await openVaultDatabase(await createTestDatabase('os_pd'), { migrate: false });
    try {
      await expect(createPersonalDataVault({ dataSource: bare.dataSource, masterKey: rightKey })).rejects.toThrow(/run the service migrations/);
    } finally {
      await bare.close();
    }
  });
});
