import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What `npm start` generates on first start and keeps in the data directory (API.md "Auth"). */
export interface LocalSecrets {
  masterKey: string;
  chainKey: string;
  keys: { admin: string; operator: string; customer: string; customerId: string };
}

export function loadOrCreateSecrets(dataDir: string): LocalSecrets {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets;
  mkdirSync(dataDir, { recursive: true });
  const token = () => randomBytes(18).toString('base64url');
  const secrets: LocalSecrets = {
    masterKey: randomBytes(32).toString('base64'),
    chainKey: randomBytes(32).toString('base64'),
    keys: { admin: `admin.${token()}`, operator: `operator.${token()}`, customer: `customer.${token()}`, customerId: 'demo-customer' },
  };
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secrets;
}

export function apiKeysOf(secrets: LocalSecrets): string {
  const { admin, operator, customer, customerId } = secrets.keys;
  return `${admin}=admin,${operator}=operator,${customer}=customer:${customerId}`;
}
