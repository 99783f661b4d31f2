import { execFile } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { exportLog } from '@ordersource/event-store';
import { Pool } from 'pg';
import { createLogger, requireSecret } from '@ordersource/platform';
import type { Page } from 'playwright-core';
// The console is started through its own bootstrap and its page built by its own build step,
// as `npm start` does; apps publish no import alias, so these paths are relative.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { buildConsoleWeb } from '../../../apps/console/build/build-web';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { RunningConsole, startConsole } from '../../../apps/console/src/bootstrap';
import { Browser, DESKTOP, PHONE, launchBrowser, screenshot, seriousViolations, signedInTab } from '../support/browser';
import { eventually } from '@ordersource/testing/eventually';
import { ok } from '../support/http';
import { keys } from '../support/keys';
import { historyLines, importHistory } from '../support/console-history';
import { Stack, startStack } from '../support/stack';

// The page's globals, for the functions handed to `page.evaluate` (they run in the browser; the
// test programs compile without the DOM library).
declare const sessionStorage: Record<string, unknown>;
declare const localStorage: Record<string, unknown>;
interface ScrollBox {
  scrollWidth: number;
  clientWidth: number;
  scrollLeft: number;
  getBoundingClientRect(): { right: number };
}
declare const document: { cookie: string; documentElement: { scrollWidth: number; clientWidth: number }; querySelectorAll(selector: string): { length: number } };

/**
 * The ops console (issue 14) in headless Chromium against the whole embedded stack: what an
 * operator, an admin and a customer see, driven only through the page.
 */
describe('ops console in a browser', () => {
  let stack: Stack;
  let running: RunningConsole;
  let browser: Browser;
  let webDir: string;
  const orderA = randomUUID();
  const orderB = randomUUID();
  /** Their order numbers, from POST /orders: the list links show them (issue 15). */
  const numbers = { a: '', b: '' };
  const correlation = (step: number) => `console-e2e-${orderA.slice(0, 8)}-${step}`;
  const pages: Page[] = [];
  const tab = async (key: string) => {
    const page = await signedInTab(browser, running.url, key);
    pages.push(page);
    return page;
  };

  beforeAll(async () => {
    webDir = mkdtempSync(join(tmpdir(), 'ordersource-console-web-'));
    await buildConsoleWeb(webDir);
    stack = await startStack('embedded');
    running = await startConsole(
      {
        port: 0,
        host: '127.0.0.1',
        upstreams: { command: stack.command.baseUrl, query: stack.query.baseUrl, projector: stack.projector.baseUrl },
        webDir,
        logLevel: 'silent',
      },
      { logger: createLogger('console', 'silent') },
    );
    browser = await launchBrowser();
    await driveLifecycle();
    await importFiveWeeks();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
    await stack?.stop();
    if (webDir) rmSync(webDir, { recursive: true, force: true });
  });

  afterEach(async () => {
    for (const page of pages.splice(0)) await page.close();
  });

  /** Order A (customer a): placed, paid, shipped with two scans, delivered: 7 events. Order B belongs to customer b. */
  async function driveLifecycle() {
    const address = { name: 'Ada Lovelace', line1: '1 Main St', city: 'Paris', postalCode: '75001', country: 'FR' };
    const steps: [string, Record<string, unknown>][] = [
      ['/orders', { orderId: orderA, customerId: 'cust-a', currency: 'EUR', items: [{ sku: 'BOOK-1', quantity: 2, unitPrice: 1999 }], shippingAddress: address }],
      [`/orders/${orderA}/payment/authorize`, { amount: 3998, method: 'card' }],
      [`/orders/${orderA}/payment/capture`, {}],
      [`/orders/${orderA}/shipment`, { carrier: 'DHL', trackingNumber: 'JD0001', warehouse: 'PAR-1' }],
      [`/orders/${orderA}/shipment/checkpoints`, { location: 'Paris hub', kind: 'arrived', occurredAt: new Date(Date.now() - 3_600_000).toISOString() }],
      [`/orders/${orderA}/shipment/checkpoints`, { location: 'Paris hub', kind: 'departed', occurredAt: new Date(Date.now() - 1_800_000).toISOString() }],
      [`/orders/${orderA}/deliver`, { receivedBy: 'Ada' }],
    ];
    for (const [index, [path, body]] of steps.entries()) {
      const answer = ok(await stack.command.post(path, body, { key: keys.operator, headers: { 'x-correlation-id': correlation(index + 1) } }), path === '/orders' ? 201 : 200, path);
      if (path === '/orders') numbers.a = answer.orderNumber;
    }
    numbers.b = ok(await stack.command.post('/orders', { orderId: orderB, customerId: 'cust-b', currency: 'EUR', items: [{ sku: 'PEN-1', quantity: 1, unitPrice: 250 }], shippingAddress: address }, { key: keys.operator }), 201, 'order B').orderNumber;
    // Every view the order page reads holds the order's last version before a page opens.
    for (const path of [`/orders/${orderA}`, `/orders/${orderA}/history`, `/payments/${orderA}`, `/shipments/${orderA}`]) {
      ok(await stack.query.get(path, { key: keys.operator, headers: { 'x-min-version': '7', 'x-wait-ms': '10000' } }), 200, path);
    }
    ok(await stack.query.get(`/orders/${orderB}`, { key: keys.operator, headers: { 'x-min-version': '1', 'x-wait-ms': '10000' } }), 200, 'order B view');
  }

  let unpaidOrderIds: string[] = [];
  let importedOrders = 0;
  /** Imported history for analytics and alerts; waits until the analytics view and the alert evaluator have seen it. */
  async function importFiveWeeks() {
    const history = historyLines();
    unpaidOrderIds = history.unpaidOrderIds;
    const answer = await importHistory(stack.command.baseUrl, history.ndjson);
    expect(answer.rejected).toEqual([]);
    importedOrders = answer.imported;
    const from = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    await eventually(
      'the analytics view holds every imported order',
      async () => {
        const funnel = await stack.query.get(`/analytics/funnel?from=${from}&to=${to}`, { key: keys.operator });
        return funnel.status === 200 && funnel.body.placed === importedOrders + 2;
      },
      { timeoutMs: 60_000 },
    );
    await eventually(
      'order-unpaid fires for the unpaid imported orders',
      async () => {
        const alerts = await stack.query.get('/alerts?state=firing&rule=order-unpaid', { key: keys.operator });
        return alerts.status === 200 && unpaidOrderIds.every((id) => alerts.body.items.some((alert: { subject: string }) => alert.subject === id));
      },
      { timeoutMs: 60_000 },
    );
  }

  it('signs in with an operator key kept for the tab only, and lists the orders', async () => {
    const page = await tab(keys.operator);
    await page.getByRole('link', { name: numbers.a }).waitFor();
    await expectVisible(page.getByRole('link', { name: numbers.b }));
    await screenshot(page, 'orders');
    expect(await page.evaluate(() => Object.keys(sessionStorage))).toEqual(['ordersource.console.session']);
    expect(await page.evaluate(() => Object.keys(localStorage).length + document.cookie.length)).toBe(0);

    // A new tab knows nothing of the key.
    const other = await browser.context.newPage();
    pages.push(other);
    await other.goto(`${running.url}/orders/${orderA}`);
    await other.waitForURL(/\/sign-in\?next=/);
  });

  it('shows every event of an order driven through its lifecycle, with actor, time and correlation id', async () => {
    const history = ok(await stack.query.get(`/orders/${orderA}/history`, { key: keys.operator }));
    const page = await tab(keys.operator);
    await page.getByRole('link', { name: numbers.a }).click();
    await page.waitForURL(new RegExp(`/orders/${orderA}$`));
    const rows = page.locator('table.timeline tbody tr');
    await rows.nth(6).waitFor();
    expect(await rows.count()).toBe(7);
    expect(await page.locator('table.timeline .event-type').allTextContents()).toEqual([
      'OrderPlaced',
      'PaymentAuthorized',
      'PaymentCaptured',
      'ShipmentDispatched',
      'ShipmentCheckpointRecorded',
      'ShipmentCheckpointRecorded',
      'OrderDelivered',
    ]);
    for (const [index, event] of (history.events as { actor: string; correlationId: string }[]).entries()) {
      const text = await rows.nth(index).textContent();
      expect(text).toContain(event.actor);
      expect(text).toContain(correlation(index + 1));
    }
    // The latest version is selected: delivered, and what delivery changed.
    await expectVisible(page.getByRole('heading', { name: 'State after version 7' }));
    expect(await changeOf(page, 'status')).toEqual(['SHIPPED', 'DELIVERED']);
    await expectVisible(page.getByText('Paris hub arrived'));
    await expectVisible(page.getByRole('heading', { name: 'Payments' }));
    expect(await page.locator('section[aria-labelledby="payments-heading"] tbody tr').count()).toBe(2);
    await screenshot(page, 'order');
  });

  it('time-travels to a version, shows what it changed, and the back button returns', async () => {
    const page = await tab(keys.operator);
    await page.goto(`${running.url}/orders/${orderA}`);
    await page.getByRole('link', { name: 'State after v2', exact: true }).click();
    await page.waitForURL(/version=2$/);
    await expectVisible(page.getByRole('heading', { name: 'State after version 2' }));
    expect(await changeOf(page, 'status')).toEqual(['PLACED', 'PAYMENT_AUTHORIZED']);
    expect(await changeOf(page, 'payment.authorized')).toEqual(['0', '3998']);

    await page.getByRole('link', { name: 'State after v4', exact: true }).click();
    await page.waitForURL(/version=4$/);
    expect(await changeOf(page, 'status')).toEqual(['PAID', 'SHIPPED']);
    await page.goBack();
    await page.waitForURL(/version=2$/);
    await expectVisible(page.getByRole('heading', { name: 'State after version 2' }));
    expect(await changeOf(page, 'status')).toEqual(['PLACED', 'PAYMENT_AUTHORIZED']);
    await screenshot(page, 'order-version-2');

    // By recorded time: as of the second event's commit, the order stood at version 2.
    const history = ok(await stack.query.get(`/orders/${orderA}/history`, { key: keys.operator }));
    await page.goto(`${running.url}/orders/${orderA}?asOf=${encodeURIComponent(history.events[1].recordedAt)}`);
    await expectVisible(page.getByRole('heading', { name: 'State after version 2' }));
    await page.goto(`${running.url}/orders/${orderA}?asOf=2000-01-01T00:00:00.000Z`);
    await expectVisible(page.getByText('The order did not exist yet'));
  });

  it('runs a revert dry run for staff (or says the command service has no revert route yet) and writes nothing', async () => {
    const before = ok(await stack.query.get(`/orders/${orderA}/history`, { key: keys.operator })).events.length;
    const probe = await stack.command.post(`/orders/${orderA}/revert`, { toVersion: 6, reason: 'probe', dryRun: true }, { key: keys.operator });
    const page = await tab(keys.operator);
    await page.goto(`${running.url}/orders/${orderA}`);
    await page.getByRole('heading', { name: 'Revert (dry run)' }).waitFor();
    await page.getByLabel('Revert to version').selectOption('6');
    await page.getByLabel('Reason').fill('wrong delivery scan');
    await page.getByRole('button', { name: 'Dry run' }).click();
    if (probe.status === 404) await expectVisible(page.getByText('Reverting is not available on this server.'));
    else {
      await expectVisible(page.getByText(/would void 1 event: v7 OrderDelivered/));
      // The dry run's own table (the page also shows what version 7 changed).
      expect(await changeOf(page, 'status', '.dry-run')).toEqual(['DELIVERED', 'SHIPPED']);
    }
    await screenshot(page, 'order-revert-dry-run');
    expect(ok(await stack.query.get(`/orders/${orderA}/history`, { key: keys.operator })).events).toHaveLength(before);
  });

  it('filters the event log by type and order, with the filter in the URL', async () => {
    const page = await tab(keys.operator);
    await page.getByRole('link', { name: 'Event log' }).click();
    await page.waitForURL(/\/events$/);
    await page.getByLabel('ShipmentCheckpointRecorded').check();
    await page.getByLabel('Order id').fill(orderA);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/type=ShipmentCheckpointRecorded/);
    await expectVisible(page.getByText('2 events.'));
    const types = await page.locator('table.events tbody tr td:nth-child(3)').allTextContents();
    expect(types).toEqual(['ShipmentCheckpointRecorded', 'ShipmentCheckpointRecorded']);
    await screenshot(page, 'events');
    await page.goBack();
    await page.waitForURL(/\/events$/);
    await page.waitForFunction(() => document.querySelectorAll('table.events tbody tr').length >= 8);
    expect(await page.getByLabel('ShipmentCheckpointRecorded').isChecked()).toBe(false);
  });

  it('starts a verify-only rebuild as admin and watches it finish with no differences', async () => {
    const page = await tab(keys.admin);
    await page.getByRole('link', { name: 'Operations' }).click();
    await page.waitForURL(/\/operations$/);
    await page.locator('tr[data-projection="order-tracking"]').waitFor();
    await page.getByRole('button', { name: 'Verify order-tracking' }).click();
    const status = page.locator('li[data-rebuild="order-tracking"] .rebuild-status');
    await status.filter({ hasText: /verified|failed/ }).waitFor({ timeout: 60_000 });
    expect(await status.textContent()).toMatch(/verified.*differences: 0/);
    const progress = ok(await stack.projector.get('/projections/order-tracking/rebuild', { key: keys.admin }));
    expect(progress).toMatchObject({ status: 'verified', differences: 0 });
    await page.getByRole('button', { name: 'Check integrity' }).click();
    await expectVisible(page.getByText(/Integrity ok: \d+ events checked/));
    await screenshot(page, 'operations');
  });

  it('draws analytics charts from imported history: series, revenue, forecast bands with the backtest error, funnel, durations', async () => {
    const page = await tab(keys.operator);
    await page.getByRole('link', { name: 'Analytics' }).click();
    await page.waitForURL(/\/analytics$/);
    for (const chart of ['orders-chart', 'revenue-chart', 'forecast-chart']) await page.locator(`[data-chart="${chart}"] canvas`).first().waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-chart="forecast-chart"]').getAttribute('aria-label')).toContain('actual, forecast');
    const forecast = ok(await stack.query.get('/analytics/forecast?metric=placed&bucket=day&horizon=14', { key: keys.operator }));
    const backtest = await page.locator('table.backtest').textContent();
    expect(backtest).toContain(forecast.backtest.smape.toFixed(3));
    expect(backtest).toContain('seasonal-naive (baseline)');
    // The funnel shows what the route answers for the page's default window: the 30 days up to the end of today (UTC).
    const to = new Date(Math.ceil(Date.now() / 86_400_000) * 86_400_000);
    const funnel = ok(await stack.query.get(`/analytics/funnel?from=${new Date(to.getTime() - 30 * 86_400_000).toISOString()}&to=${to.toISOString()}`, { key: keys.operator }));
    expect(funnel.placed).toBeGreaterThan(50);
    const placedCell = page.locator('table.funnel tbody tr', { has: page.getByRole('rowheader', { name: 'placed', exact: true }) }).locator('td').first();
    expect(Number(await placedCell.textContent())).toBe(funnel.placed);
    await expectVisible(page.getByRole('rowheader', { name: 'shipped-delivered' }));
    await expectVisible(page.getByRole('rowheader', { name: 'Lyon hub' }));
    await screenshot(page, 'analytics');
    // The carriers table is wider than its column at 1280x800 (and at a phone width): it scrolls in its own box.
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      const carriers = page.getByRole('region', { name: 'Carriers' });
      const box = await carriers.evaluate((element: unknown) => {
        const region = element as ScrollBox;
        return { scrollWidth: region.scrollWidth, clientWidth: region.clientWidth, right: region.getBoundingClientRect().right };
      });
      const width = await page.evaluate(() => document.documentElement.clientWidth);
      expect({ viewport: viewport.width, pastTheEdge: box.right > width + 1 }).toEqual({ viewport: viewport.width, pastTheEdge: false });
      if (viewport === PHONE) expect(box.scrollWidth).toBeGreaterThan(box.clientWidth);
      if (box.scrollWidth > box.clientWidth) {
        const scrolled = await carriers.evaluate((element: unknown) => {
          const region = element as ScrollBox;
          region.scrollLeft = region.scrollWidth;
          return region.scrollLeft;
        });
        expect(scrolled).toBeGreaterThan(0);
      }
    }
    await page.setViewportSize(DESKTOP);
    // Another bucket is another URL; back returns to the daily view.
    await page.getByLabel('Bucket', { exact: true }).selectOption('hour');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/bucket=hour/);
    await page.locator('[data-chart="orders-chart"] canvas').first().waitFor();
    await page.goBack();
    await page.waitForURL(/\/analytics$/);
    await page.locator('[data-chart="orders-chart"] canvas').first().waitFor();
  });

  it('shows the firing order-unpaid alerts of the imported history', async () => {
    const page = await tab(keys.operator);
    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.waitForURL(/\/alerts$/);
    // The page polls its alerts (every 10 s): the chosen filters are a draft that a poll's
    // re-render leaves alone (a poll between choosing and "Apply" once put the URL's filters back).
    const updatedAt = page.locator('[data-updated-at]');
    const before = await updatedAt.getAttribute('data-updated-at');
    await page.getByLabel('State').selectOption('firing');
    await page.getByLabel('Rule').selectOption('order-unpaid');
    await expectVisible(page.locator(`[data-updated-at]:not([data-updated-at="${before}"])`), 60_000);
    expect(await page.getByLabel('State').inputValue()).toBe('firing');
    expect(await page.getByLabel('Rule').inputValue()).toBe('order-unpaid');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/state=firing&rule=order-unpaid/);
    for (const orderId of unpaidOrderIds) {
      await expectVisible(page.locator('table.alerts tbody tr', { hasText: orderId }));
      expect(await page.locator('table.alerts tbody tr', { hasText: orderId }).first().textContent()).toMatch(/firing.*order-unpaid/);
    }
    await screenshot(page, 'alerts');
  });

  it('lists a projection’s parked events on the operations page and replays them as admin once the fault is gone', async () => {
    // A real fault (owner role, SQL): the order-tracking view refuses one order's row, as a broken
    // write would; after its retries the projector parks the order's event.
    const poisoned = randomUUID();
    const table = `read_models.order_tracking_g${Number((await stack.pg.query("SELECT active FROM read_models.view_pointers WHERE view = 'order-tracking'")).rows[0].active)}`;
    await stack.pg.query(`CREATE FUNCTION console_e2e_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.id LIKE '%${poisoned}%' THEN RAISE EXCEPTION 'view write refused by the console test'; END IF; RETURN NEW; END $$`);
    await stack.pg.query(`CREATE TRIGGER console_e2e_refuse BEFORE INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION console_e2e_refuse()`);
    let dropped = false;
    const dropFault = async () => {
      if (!dropped) await stack.pg.query(`DROP TRIGGER console_e2e_refuse ON ${table}; DROP FUNCTION console_e2e_refuse()`);
      dropped = true;
    };
    try {
      const address = { name: 'Grace Hopper', line1: '2 Main St', city: 'Lyon', postalCode: '69001', country: 'FR' };
      ok(await stack.command.post('/orders', { orderId: poisoned, customerId: 'cust-p', currency: 'EUR', items: [{ sku: 'MUG-1', quantity: 1, unitPrice: 900 }], shippingAddress: address }, { key: keys.operator }), 201, 'poisoned order');
      await eventually(
        'the poisoned order is parked in order-tracking',
        async () => ok(await stack.projector.get('/projections/order-tracking/parked', { key: keys.operator })).items.some((item: { orderId: string }) => item.orderId === poisoned),
        { timeoutMs: 60_000 },
      );
      // The events-parked alert reads the count the projector publishes from the same source as the route.
      const parkedAlert = async (state: string) =>
        ok(await stack.query.get(`/alerts?rule=events-parked&state=${state}`, { key: keys.operator })).items.some((alert: { subject: string }) => alert.subject === 'order-tracking');
      await eventually('events-parked fires for order-tracking', () => parkedAlert('firing'), { timeoutMs: 60_000 });
      const page = await tab(keys.admin);
      await page.getByRole('link', { name: 'Operations' }).click();
      const row = page.locator(`[data-parked-of="order-tracking"] tr[data-parked="${poisoned}.1"]`);
      await row.waitFor({ timeout: 30_000 });
      expect(await row.textContent()).toMatch(/OrderPlaced.*failed.*view write refused by the console test/);
      // Replayed while the fault lasts: the page says it failed, and the event stays parked.
      await row.getByRole('button', { name: `Replay ${poisoned}.1` }).click();
      await expectVisible(page.getByRole('alert').filter({ hasText: /replay of .*Conflict \(409\).*view write refused/ }), 60_000);
      await expectVisible(row);
      await screenshot(page, 'operations-parked');

      await dropFault();
      await row.getByRole('button', { name: `Replay ${poisoned}.1` }).click();
      await expectVisible(page.getByText(`Replayed 1 event of order ${poisoned} (v1–v1).`), 60_000);
      await row.waitFor({ state: 'detached', timeout: 30_000 });
      expect(ok(await stack.query.get(`/orders/${poisoned}`, { key: keys.operator, headers: { 'x-min-version': '1', 'x-wait-ms': '10000' } })).status).toBe('PLACED');
      await eventually('events-parked resolves for order-tracking', async () => (await parkedAlert('resolved')) && !(await parkedAlert('firing')), { timeoutMs: 60_000 });
      // An operator sees parked events but no replay button.
      const operator = await tab(keys.operator);
      await operator.goto(`${running.url}/operations`);
      await operator.locator('[data-parked-of="order-tracking"]').getByText('order-tracking: no parked events.').waitFor();
      expect(await operator.getByRole('button', { name: /^Replay / }).count()).toBe(0);
    } finally {
      await dropFault();
    }
  });

  it('names a tampered row in the integrity check, and after `npm run repair` from an export shows the repair record', async () => {
    // An export taken while the log is whole (the library `npm run export` runs), then a row of
    // order A edited in SQL as the owner role, past the append-only trigger.
    const exportFile = join(webDir, 'console-e2e-export.ndjson');
    const pool = new Pool({ connectionString: stack.config.databaseUrl, max: 1 });
    try {
      const out = createWriteStream(exportFile);
      await exportLog(pool, requireSecret(stack.config.chainKey, 'ORDERSOURCE_CHAIN_KEY'), out);
      out.end();
      await finished(out);
    } finally {
      await pool.end();
    }
    await stack.pg.query('BEGIN');
    await stack.pg.query('ALTER TABLE events DISABLE TRIGGER events_no_update_delete');
    await stack.pg.query(`UPDATE events SET data = jsonb_set(data, '{amount}', '1') WHERE stream_id = $1 AND version = 2`, [`order-${orderA}`]);
    await stack.pg.query('ALTER TABLE events ENABLE TRIGGER events_no_update_delete');
    await stack.pg.query('COMMIT');

    const page = await tab(keys.admin);
    await page.getByRole('link', { name: 'Operations' }).click();
    await page.getByRole('button', { name: 'Check integrity' }).click();
    await expectVisible(page.getByText(/Integrity broken \(\d+ events checked\)/), 60_000);
    await expectVisible(page.getByText(`First broken: order ${orderA} at version 2`, { exact: false }));
    await screenshot(page, 'operations-integrity-broken');

    // The repair CLI, as an operator runs it on the host: DATABASE_URL is the owner's.
    const repaired = await promisify(execFile)(process.execPath, ['-r', '@swc-node/register', 'tools/repair/main.ts', orderA, '--from', exportFile, '--reason', 'console e2e: amount edited in SQL'], {
      cwd: resolve(__dirname, '..', '..', '..'),
      env: { ...process.env, DATABASE_URL: stack.config.databaseUrl, ORDERSOURCE_CHAIN_KEY: stack.config.chainKey ?? '', ORDERSOURCE_PROFILE: 'embedded', ORDERSOURCE_DATA_DIR: webDir },
      timeout: 180_000,
    });
    expect(repaired.stdout).toContain(`${orderA}: restored versions [2], removed []; chain ok`);

    await page.getByRole('button', { name: 'Check integrity' }).click();
    await expectVisible(page.getByText(/Integrity ok: \d+ events checked/), 60_000);
    const record = page.getByRole('region', { name: 'Repairs' }).locator('tbody tr', { hasText: orderA });
    await expectVisible(record);
    expect(await record.textContent()).toContain('console e2e: amount edited in SQL');
    await screenshot(page, 'operations-repaired');
  }, 300_000);

  it('does not let a customer open another customer’s order, and opens its own', async () => {
    const page = await tab(keys.customerB);
    await expectVisible(page.getByRole('link', { name: numbers.b }));
    expect(await page.getByRole('link', { name: numbers.a }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Event log' }).count()).toBe(0);
    await page.goto(`${running.url}/orders/${orderA}`);
    await expectVisible(page.getByRole('heading', { name: 'Order not found' }));
    expect(await page.locator('table.timeline').count()).toBe(0);
    expect(await page.content()).not.toContain('Ada Lovelace');
    await screenshot(page, 'customer-other-order');
    await page.goto(`${running.url}/orders/${orderB}`);
    await page.locator('table.timeline tbody tr').first().waitFor();
    expect(await page.locator('table.timeline .event-type').allTextContents()).toEqual(['OrderPlaced']);
    expect(await page.getByRole('heading', { name: 'Revert (dry run)' }).count()).toBe(0);
  });

  it('shows an admin the revert dry run to an earlier version: the voided events, before and after, and nothing written (issue 13)', async () => {
    const storeState = async () => (await stack.pg.query(`SELECT (SELECT count(*)::int FROM events) AS events, (SELECT json_agg(s ORDER BY s.stream_id) FROM streams s) AS heads`)).rows[0];
    const written = await storeState();
    const page = await tab(keys.admin);
    await page.goto(`${running.url}/orders/${orderA}`);
    await page.getByRole('heading', { name: 'Revert (dry run)' }).waitFor();
    await page.getByLabel('Revert to version').selectOption('4');
    await page.getByLabel('Reason').fill('the carrier scanned the wrong parcel');
    await page.getByRole('button', { name: 'Dry run' }).click();
    // Versions 5-7 (two scans and the delivery) would be voided; the capture at 3 stays.
    await expectVisible(page.getByText('would void 3 events: v5 ShipmentCheckpointRecorded, v6 ShipmentCheckpointRecorded, v7 OrderDelivered'));
    expect(await changeOf(page, 'status', '.dry-run')).toEqual(['DELIVERED', 'SHIPPED']);
    expect(await changeOf(page, 'version', '.dry-run')).toEqual(['7', '8']);
    await screenshot(page, 'order-revert-dry-run-admin');
    expect(await storeState()).toEqual(written);
    expect(ok(await stack.query.get(`/orders/${orderA}`, { key: keys.operator }))).toMatchObject({ status: 'DELIVERED', version: 7 });
  });

  it('opens an order by its number from the order search, and says so when a customer asks for another’s', async () => {
    const page = await tab(keys.operator);
    await page.getByLabel('Find an order').fill(numbers.a);
    await page.getByRole('button', { name: 'Open' }).click();
    await page.waitForURL(new RegExp(`/orders/${orderA}$`));
    const customer = await tab(keys.customerB);
    await customer.getByLabel('Find an order').fill(numbers.a);
    await customer.getByRole('button', { name: 'Open' }).click();
    await expectVisible(customer.getByText(`No order ${numbers.a} (or it is not yours).`));
    expect(await customer.content()).not.toContain(orderA);
  });

  it('has no serious accessibility violations on any page, at 1280x800 and at a phone width', async () => {
    const page = await tab(keys.admin);
    const routes: [string, string, () => Promise<unknown>][] = [
      ['orders', '/orders', () => page.getByRole('link', { name: numbers.a }).waitFor()],
      ['order', `/orders/${orderA}`, () => page.locator('table.changes').waitFor()],
      ['events', '/events', () => page.locator('table.events').waitFor()],
      ['analytics', '/analytics', () => page.locator('[data-chart="forecast-chart"] canvas').waitFor({ timeout: 30_000 })],
      ['alerts', '/alerts', () => page.locator('table.alerts').waitFor()],
      ['operations', '/operations', () => page.locator('tr[data-projection]').first().waitFor()],
    ];
    const found: string[] = [];
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      for (const [name, path, ready] of routes) {
        await page.goto(`${running.url}${path}`);
        await ready();
        await page.getByRole('status').filter({ hasText: /^Loading/ }).first().waitFor({ state: 'detached' }).catch(() => undefined);
        for (const violation of await seriousViolations(page)) {
          found.push(`${name} at ${viewport.width}px: ${violation.id} (${violation.impact}) ${violation.help}: ${violation.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        }
        // Usable at both sizes: the page itself never scrolls sideways (wide tables scroll in their own box).
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        if (overflow > 0) found.push(`${name} at ${viewport.width}px: the page is ${overflow}px wider than the screen`);
        const boxesPastTheEdge = (await page.evaluate(TABLE_BOXES_PAST_THE_EDGE)) as string[];
        for (const box of boxesPastTheEdge) found.push(`${name} at ${viewport.width}px: table ${box} reaches past the screen instead of scrolling in its box`);
        await screenshot(page, `${name}-${viewport.width}x${viewport.height}`);
      }
    }
    const signIn = await browser.context.newPage();
    pages.push(signIn);
    await signIn.goto(`${running.url}/sign-in`);
    await signIn.getByLabel('API key').waitFor();
    for (const violation of await seriousViolations(signIn)) found.push(`sign-in: ${violation.id} ${violation.help}`);
    await screenshot(signIn, 'sign-in');
    expect(found).toEqual([]);
  }, 600_000);
});

/** The labels of the table boxes whose right edge is past the viewport's (each wide table must scroll inside its own box). */
const TABLE_BOXES_PAST_THE_EDGE = `[...document.querySelectorAll('.table-box')]
  .filter((box) => box.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .map((box) => box.getAttribute('aria-label'))`;

/** The before and after cells of one field in the "changes from the previous version" table. */
async function changeOf(page: Page, field: string, within = ''): Promise<string[]> {
  const row = page.locator(`${within} table.changes tbody tr`.trim()).filter({ has: page.locator('th', { hasText: new RegExp(`^${field.replace(/[.[\]]/g, '\\$&')}$`) }) });
  await row.first().waitFor();
  return (await row.first().locator('td').allTextContents()).map((text) => text.trim());
}

async function expectVisible(locator: ReturnType<Page['locator']>, timeout?: number): Promise<void> {
  await locator.first().waitFor({ state: 'visible', timeout });
  expect(await locator.first().isVisible()).toBe(true);
}
