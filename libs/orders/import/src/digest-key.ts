import { hkdfSync } from 'node:crypto';

/**
 * The import's HMAC key, derived from ORDERSOURCE_MASTER_KEY so the CLI and every command
 * service instance derive the same order ids and fingerprints, run after run.
 */
export function importDigestKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'ordersource/import-digest', 32));
}
