import type { DataSource } from 'typeorm';
import { type PersonalDataVault, personalDataVault } from './personal-data-vault';
import { PostgresKeyVault } from './postgres/postgres-key-vault';
import type { SealingKeyCacheOptions } from './sealing-key-cache';

export interface PersonalDataVaultOptions {
  /** Already initialized, with personalDataMigrations run. */
  dataSource: DataSource;
  /** ORDERSOURCE_MASTER_KEY as bytes (`requireSecret`); missing or wrong fails here, at start. */
  masterKey: Buffer | undefined;
  /**
   * Reuse unwrapped keys for sealing (the command path, issue 18): one pooled connection
   * LISTENs for erasures, so call the vault's close() before the pool ends. Off by default.
   */
  sealingKeyCache?: SealingKeyCacheOptions;
}

/**
 * The vault on PostgreSQL. Async because it checks the master key before anything is sealed:
 * a wrong key must stop the service at start, not seal new data under a key nobody else has.
 */
export async function createPersonalDataVault(options: PersonalDataVaultOptions): Promise<PersonalDataVault> {
  const keys = new PostgresKeyVault(options.dataSource, options.masterKey);
  await keys.assertMasterKey();
  if (options.sealingKeyCache) await keys.enableSealingKeyCache(options.sealingKeyCache);
  return personalDataVault(keys, () => keys.close());
}
