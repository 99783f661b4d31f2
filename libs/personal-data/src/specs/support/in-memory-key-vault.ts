import { randomBytes, randomUUID } from 'node:crypto';
import type { DataKey } from '../../envelope';
import type { Erasure, KeyVault } from '../../key-vault.port';

/** The key vault port in memory, so the sealing rules are tested without a database. */
export class InMemoryKeyVault implements KeyVault {
  private readonly byCustomer = new Map<string, DataKey>();
  private readonly erasures = new Map<string, string>();
  lookups = 0;

  get keyCount(): number {
    return this.byCustomer.size;
  }

  /** Keys in memory are not wrapped, so there is no master key to check. */
  assertMasterKey(): Promise<void> {
    return Promise.resolve();
  }

  async dataKeysFor(customerIds: readonly string[]): Promise<Map<string, DataKey>> {
    const keys = new Map<string, DataKey>();
    for (const customerId of customerIds) {
      let dataKey = this.byCustomer.get(customerId);
      if (!dataKey) {
        dataKey = { keyId: randomUUID(), key: randomBytes(32) };
        this.byCustomer.set(customerId, dataKey);
      }
      keys.set(customerId, dataKey);
    }
    return keys;
  }

  async dataKeysById(keyIds: readonly string[]): Promise<Map<string, Buffer>> {
    this.lookups++;
    const wanted = new Set(keyIds);
    return new Map([...this.byCustomer.values()].filter((k) => wanted.has(k.keyId)).map((k) => [k.keyId, k.key]));
  }

  async forget(customerId: string): Promise<Erasure> {
    if (this.byCustomer.delete(customerId) || !this.erasures.has(customerId)) this.erasures.set(customerId, new Date().toISOString());
    return { customerId, erasedAt: this.erasures.get(customerId) as string };
  }

  async isErased(customerId: string): Promise<boolean> {
    return this.erasures.has(customerId) && !this.byCustomer.has(customerId);
  }
}
