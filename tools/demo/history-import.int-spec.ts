import { randomBytes } from 'node:crypto';
import { loadConfig } from '@ordersource/platform';
import { createTestDatabase, type TestDatabase } from '@ordersource/testing/postgres';
// The command service through its own bootstrap, in-process (apps publish no import alias).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startCommandService, type RunningCommandService } from '../../apps/command-service/src/bootstrap';
import { generateHistory } from './history';
import { postInChunks } from './history-import';

const ADMIN = 'adm.demo';

/**
 * `npm run demo -- --history` sends its NDJSON in chunks of POST /admin/imports: against a real
 * command service, the chunks add up to every order, a rejection keeps its line number in the
 * whole input, and a second run imports nothing (idempotent per order, across chunk borders).
 */
describe('demo history import: HTTP chunking', () => {
  let db: TestDatabase;
  let service: RunningCommandService;

  beforeAll(async () => {
    db = await createTestDatabase('os_demo_chunks');
    service = await startCommandService(
      {
        ...loadConfig({}),
        databaseUrl: db.url,
        ports: { command: 0, query: 0, projector: 0 },
        apiKeys: `${ADMIN}=admin`,
        chainKey: randomBytes(32).toString('base64'),
        masterKey: randomBytes(32).toString('base64'),
        logLevel: 'silent',
      },
      { host: '127.0.0.1' },
    );
  }, 120_000);

  afterAll(async () => {
    await service?.close();
    await db?.drop();
  });

  it('imports 250 orders in 4 chunks of 80 lines, with a bad line numbered in the whole input, and a re-run appends nothing', async () => {
    const lines = [...generateHistory({ seed: 3, days: 3, end: new Date('2026-11-30T00:00:00.000Z'), ordersPerHour: 4 })].slice(0, 250).map((order) => JSON.stringify(order));
    expect(lines).toHaveLength(250);
    // Line 170 (the 10th of the third chunk) is not an order.
    const input = [...lines.slice(0, 169), '{"not": "an order"}', ...lines.slice(169)];
    const stack = { commandUrl: service.url, keys: { admin: ADMIN, operator: undefined, customer: undefined } };
    const progress: number[] = [];
    const first = await postInChunks(stack, input, input.length, (sent) => progress.push(sent), 80);
    expect(progress).toEqual([80, 160, 240, 251]);
    expect(first).toMatchObject({ imported: 250, alreadyImported: 0 });
    expect(first.rejected).toEqual([expect.objectContaining({ line: 170 })]);
    expect(new Set(first.correlationIds).size).toBe(4);

    const again = await postInChunks(stack, lines, lines.length, undefined, 80);
    expect(again).toMatchObject({ imported: 0, alreadyImported: 250, rejected: [] });
  }, 240_000);
});
