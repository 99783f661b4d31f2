import type { DataSource } from 'typeorm';
import { type PersonalDataVault, personalDataVault } from './personal-data-vault';
import { PostgresKeyVault } from './postgres/postgres-key-vault';

export interface PersonalDataVaultOptions {
  /** Already initialized, with personalDataMigrations run. */
  dataSource: DataSource;
  /** ORDERSOURCE_MASTER_KEY as bytes (`requireSecret`); missing or wrong fails here, at start. */
  masterKey: Buffer | undefined;
}

/**
 * The vault on PostgreSQL. Async because it checks the master key before anything is sealed:
 * a wrong key must stop the service at start, not seal new data under a key nobody else has.
 */
export async function createPersonalDataVault(options: PersonalDataVaultOptions): Promise<PersonalDataVault> {
  const keys = new PostgresKeyVault(options.dataSource, options.masterKey);
  await keys.assertMasterKey();
  return personalDataVault(keys);
}
