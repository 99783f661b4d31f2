import { randomUUID } from 'node:crypto';
import { CommandServiceHarness, expectProblem, keys, orderBody, startHarness } from './command-service.harness';

/**
 * Rate limits per key (issue 17): RATE_LIMIT_MAX requests per RATE_LIMIT_WINDOW_MS for each API
 * key, 429 problem JSON with Retry-After past it, nothing done for a limited request; probes
 * and metrics never limited. The window is long enough that it cannot roll over mid-test.
 */
const MAX = 5;

describe('rate limits per API key', () => {
  let harness: CommandServiceHarness;

  beforeAll(async () => {
    harness = await startHarness({ rateLimit: { max: MAX, windowMs: 600_000 } });
  }, 60_000);
  afterAll(() => harness?.stop());

  it('answers 429 problem JSON with Retry-After past the limit, and appends nothing for it', async () => {
    const allowed = [];
    for (let n = 0; n < MAX; n += 1) allowed.push((await harness.post('/orders', orderBody(), { key: keys.operator })).status);
    const before = await harness.eventCount();

    const limited = await harness.post('/orders', orderBody({ orderId: randomUUID() }), { key: keys.operator, headers: { 'idempotency-key': 'limited-1' } });

    expect(allowed).toEqual(Array(MAX).fill(201));
    expectProblem(limited, 429, 'rate-limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('x-correlation-id')).toBeTruthy();
    expect(await harness.eventCount()).toBe(before);
    expect(await harness.idempotencyCount()).toBe(0);
  });

  it('counts each key on its own: another key of the same client is not limited', async () => {
    const answers = [];
    for (let n = 0; n < MAX; n += 1) answers.push((await harness.get('/admin/integrity', { key: keys.admin })).status);

    expect(answers).toEqual(Array(MAX).fill(200));
    expectProblem(await harness.get('/admin/integrity', { key: keys.admin }), 429, 'rate-limited');
  });

  it('counts requests without a known key by address, so guessing keys buys no fresh allowance', async () => {
    const statuses = [];
    for (let n = 0; n < MAX + 3; n += 1) statuses.push((await harness.get('/admin/integrity', { key: `guess-${n}` })).status);

    expect(statuses).toEqual([...Array(MAX).fill(401), 429, 429, 429]);
  });

  it('never limits health and metrics: 3x the limit of each answers 200', async () => {
    const statuses = new Set<number>();
    for (const path of ['/health/live', '/health/ready', '/metrics']) {
      for (let n = 0; n < 3 * MAX; n += 1) statuses.add((await harness.get(path, { key: null })).status);
    }

    expect([...statuses]).toEqual([200]);
  });
});
