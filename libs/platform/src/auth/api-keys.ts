import { createHash, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '../config/config';

/** Who is calling (API.md "Auth"): staff keys name a subject; customer keys a customer id. */
export type Principal =
  | { role: 'admin' | 'operator'; subject: string }
  | { role: 'customer'; subject: string; customerId: string };

export type Role = Principal['role'];

export interface ApiKeyRing {
  /** The principal for a presented key, or undefined for an unknown one. */
  authenticate(presented: string): Principal | undefined;
  readonly authDisabled: boolean;
}

const ADMIN_WHEN_DISABLED: Principal = { role: 'admin', subject: 'anonymous-admin' };

/**
 * The actor recorded in event metadata and matched by the audit `actor` filter: `role:subject`
 * (API.md "v1 clarifications"). A bare subject was ambiguous: a customer whose id equals a staff
 * key's name was the same actor as that key (issue 17).
 */
export function actorOf(principal: Principal): string {
  return `${principal.role}:${principal.subject}`;
}

/**
 * Parses `API_KEYS` (`key=admin,key=operator,key=customer:<id>`). A staff key's subject is the
 * key's name: the part before the first `.` when the key has one (`ops1.s3cr3t` is `ops1`),
 * else a short fingerprint, so the secret itself never lands in event metadata. Two staff keys
 * with one name are refused: they would be one actor in the audit log (issue 17).
 */
export function parseApiKeys(apiKeys: string | undefined, authDisabled: boolean): ApiKeyRing {
  if (!apiKeys) {
    if (!authDisabled) throw new ConfigError('API_KEYS is not set; set it (see API.md "Auth") or AUTH_DISABLED=true to run without auth');
    return { authenticate: () => ADMIN_WHEN_DISABLED, authDisabled: true };
  }
  const entries: { digest: Buffer; principal: Principal }[] = [];
  const staffNames = new Set<string>();
  for (const item of apiKeys.split(',').map((s) => s.trim()).filter(Boolean)) {
    const at = item.lastIndexOf('=');
    if (at <= 0) throw new ConfigError(`API_KEYS entry "${mask(item)}" is not key=role`);
    const key = item.slice(0, at);
    const role = item.slice(at + 1);
    const principal = principalFor(key, role);
    if (principal.role !== 'customer') {
      if (staffNames.has(principal.subject)) throw new ConfigError(`API_KEYS has two staff keys named "${principal.subject}"; give each key its own name (the part before the first ".") so the audit log tells them apart`);
      staffNames.add(principal.subject);
    }
    entries.push({ digest: digest(key), principal });
  }
  if (entries.length === 0) throw new ConfigError('API_KEYS has no keys');
  return {
    authDisabled: false,
    authenticate(presented) {
      const candidate = digest(presented);
      // Compare digests in constant time so response timing does not leak key prefixes.
      return entries.find((entry) => timingSafeEqual(entry.digest, candidate))?.principal;
    },
  };
}

function principalFor(key: string, role: string): Principal {
  if (role === 'admin' || role === 'operator') return { role, subject: subjectOf(key) };
  const customer = /^customer:(.{1,64})$/.exec(role);
  if (customer) return { role: 'customer', subject: customer[1], customerId: customer[1] };
  throw new ConfigError(`API_KEYS role "${role}" must be admin, operator or customer:<customerId>`);
}

function subjectOf(key: string): string {
  const dot = key.indexOf('.');
  if (dot > 0) return key.slice(0, dot);
  return `key-${digest(key).toString('hex').slice(0, 12)}`;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function mask(item: string): string {
  return item.length <= 4 ? '****' : `${item.slice(0, 2)}…`;
}
