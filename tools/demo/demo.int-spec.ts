import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createDatabaseOn, testServerUrl, TestDatabase } from '@ordersource/testing/postgres';

const ROOT = join(__dirname, '..', '..');

/** A port nothing listens on, so the demo finds no stack at COMMAND_URL and starts its own. */
function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function runDemo(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'tools/demo/main.ts', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('npm run demo', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createDatabaseOn(testServerUrl(), 'os_demo');
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('starts a stack when none answers, drives 60 orders and finds every one consistent', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: database.url, COMMAND_URL: `http://127.0.0.1:${await unusedPort()}` };
    for (const name of ['QUERY_URL', 'DEMO_ADMIN_KEY', 'DEMO_OPERATOR_KEY', 'DEMO_CUSTOMER_KEY', 'API_KEYS']) delete env[name];
    const { code, output } = await runDemo(['--orders', '60', '--seed', '7', '--concurrency', '8'], env);
    expect({ code, tail: output.slice(-3000) }).toEqual({ code: 0, tail: expect.stringContaining('consistent orders: 60/60; inconsistent: 0') });
    expect(output).toContain('started an embedded stack for this run');
    expect(output).toMatch(/orders: +60 /);
    expect(output).toMatch(/by outcome: 200 \d+, 201 60/);
  }, 240_000);
});
