import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/**
 * Headless Chromium for the console's browser suite: Debian's `chromium` package (CI installs
 * it with .ci/install-browser.sh), driven by playwright-core; never a downloaded browser.
 * CHROMIUM_PATH points elsewhere. A missing browser fails the suite with the fix in the message.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// Without the background-networking switches Chromium keeps dialing Google's services, which a
// closed network refuses (and which a test has no business reaching).
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export const SCREENSHOTS = resolve(__dirname, '..', '..', '..', 'apps', 'console', 'test-output');

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: run \`bash .ci/install-browser.sh\` (Debian's chromium package) or set CHROMIUM_PATH`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'ordersource-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: ARGS, viewport: DESKTOP });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A new tab: its own sessionStorage, so each sign-in starts from nothing. */
export async function signedInTab(browser: Browser, consoleUrl: string, key: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.setViewportSize(DESKTOP);
  await page.goto(`${consoleUrl}/orders`);
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/orders$/);
  return page;
}

/**
 * The page's globals, for the functions handed to `page.evaluate` (they run in the browser). The
 * test programs compile without the DOM library, which would change Node's own global types.
 */
declare const window: Record<string, unknown>;
declare const document: unknown;

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core over the page as it is now; evaluated through the DevTools protocol, so the page's CSP stays on. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // A string is evaluated as a script by the DevTools protocol (not by the page's eval, which CSP forbids).
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = window.axe as { run: (context: unknown, options: object) => Promise<{ violations: AxeViolation[] }> };
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
