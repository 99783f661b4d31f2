import type { DataKey } from './envelope';

/** When a customer's personal data was erased; ISO 8601 UTC with milliseconds. */
export interface Erasure {
  customerId: string;
  erasedAt: string;
}

/**
 * Per-customer data keys, owned by the sealing code. Keys for OPENING are never cached across
 * calls: a forget in one process must make every other process show "[erased]" at once. Keys
 * for sealing may be (PostgresKeyVault.enableSealingKeyCache) only with erasure invalidation
 * from every process: a forget drops the customer's cached key at its commit.
 */
export interface KeyVault {
  /** Fails with a ConfigError when the master key is not the one the stored keys are wrapped with. */
  assertMasterKey(): Promise<void>;
  /**
   * Each customer's current key, created on first use, for many customers in one or two round
   * trips (an import's batch); concurrent first uses get the same key.
   */
  dataKeysFor(customerIds: readonly string[]): Promise<Map<string, DataKey>>;
  /** The keys that still exist among `keyIds`, in one round trip; a missing one was erased. */
  dataKeysById(keyIds: readonly string[]): Promise<Map<string, Buffer>>;
  /** Deletes the customer's key and records the erasure; repeating it changes nothing. */
  forget(customerId: string): Promise<Erasure>;
  /** Forgotten, and no new key since (a later order starts a new, readable key). */
  isErased(customerId: string): Promise<boolean>;
}
