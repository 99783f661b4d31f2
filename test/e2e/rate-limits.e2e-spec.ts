import { randomBytes } from 'node:crypto';
import { loadConfig } from '@ordersource/platform';
import { TestDatabase, createTestDatabase } from '@ordersource/testing/postgres';
// The system suites start the services through their own bootstraps (see support/stack.ts).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startProjectorService } from '../../apps/projector-service/src/bootstrap';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startQueryService } from '../../apps/query-service/src/bootstrap';
import { API_KEYS, keys } from './support/keys';

/**
 * The query and projector services limit each key as the command service does (its own suite,
 * apps/command-service/test/rate-limit.e2e-spec.ts, covers the rules in depth): past
 * RATE_LIMIT_MAX, 429 problem JSON with Retry-After; probes never limited.
 */
const MAX = 4;

describe('rate limits on the query and projector services', () => {
  let db: TestDatabase;
  const services: { name: string; url: string; path: string; close(): Promise<void> }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('os_rate_limits');
    const secret = () => randomBytes(32).toString('base64');
    const config = {
      ...loadConfig({}),
      databaseUrl: db.url,
      ports: { command: 0, query: 0, projector: 0 },
      apiKeys: API_KEYS,
      masterKey: secret(),
      chainKey: secret(),
      logLevel: 'silent',
      rateLimit: { max: MAX, windowMs: 600_000 },
    };
    const host = { host: '127.0.0.1' };
    services.push({ name: 'projector', path: '/projections/order-tracking/rebuild', ...(await startProjectorService(config, host)) });
    services.push({ name: 'query', path: '/projections', ...(await startQueryService(config, host)) });
  }, 120_000);

  afterAll(async () => {
    for (const service of services.reverse()) await service.close().catch(() => undefined);
    await db?.drop();
  });

  it.each(['query', 'projector'])('%s: answers the key 429 problem JSON with Retry-After past the limit, and never limits its probes', async (name) => {
    const service = services.find((s) => s.name === name) as (typeof services)[number];
    const get = (path: string, key?: string) => fetch(`${service.url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
    const statuses: number[] = [];
    for (let n = 0; n < MAX; n += 1) statuses.push((await get(service.path, keys.admin)).status);

    const limited = await get(service.path, keys.admin);
    const probes = new Set<number>();
    for (let n = 0; n < 2 * MAX; n += 1) for (const path of ['/health/live', '/metrics']) probes.add((await get(path)).status);

    expect(statuses.every((status) => status < 429)).toBe(true);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toEqual(expect.objectContaining({ type: 'https://ordersource.dev/problems/rate-limited', status: 429 }));
    expect([...probes]).toEqual([200]);
  });
});
