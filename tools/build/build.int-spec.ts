/**
 * The production build runs without dev dependencies: it builds into a temporary directory and
 * starts the compiled command service the way the image does (`node <out>/apps/.../main.js`, no
 * @swc-node/register, NODE_PATH unset), behind a require guard that makes every package
 * package-lock.json marks as dev-only unresolvable, as `npm ci --omit=dev` would leave it.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import { build, isShippedSource, type BuildResult } from './build';

const root = resolve(__dirname, '..', '..');
const commandMain = join('apps', 'command-service', 'src', 'main.js');

/** Preloaded with `-r`: resolving into a dev-only package fails like it would in the image. */
const GUARD = `
const Module = require('node:module');
const { realpathSync } = require('node:fs');
const path = require('node:path');
const root = ${JSON.stringify(root)};
const lock = require(path.join(root, 'package-lock.json')).packages;
const original = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const resolved = original.call(this, request, parent, ...rest);
  if (!path.isAbsolute(resolved)) return resolved;
  const rel = path.relative(root, realpathSync(resolved)).split(path.sep).join('/');
  const parts = rel.split('/');
  let key;
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] !== 'node_modules') continue;
    const name = parts[i + 1] && parts[i + 1].startsWith('@') ? parts.slice(i + 1, i + 3).join('/') : parts[i + 1];
    const candidate = parts.slice(0, i + 1).join('/') + '/' + name;
    if (lock[candidate]) key = candidate;
  }
  if (key && (lock[key].dev || lock[key].devOptional)) {
    const error = new Error("Cannot find module '" + request + "' (dev-only " + key + ", absent in production)");
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return resolved;
};
`;

/** A fresh database on the test server (the tools project may not import libs/testing). */
async function createTestDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `os_build_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

interface Run {
  code: number | null;
  output: string;
}

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  // Nothing from the test runner's environment but PATH: no NODE_PATH, NODE_OPTIONS, jest vars.
  return { PATH: process.env.PATH, ...extra };
}

describe('production build (tools/build)', () => {
  let outDir: string;
  let guard: string;
  let result: BuildResult;

  beforeAll(async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'ordersource-build-'));
    outDir = join(tmp, 'dist');
    result = await build({ root, outDir });
    // The image has node_modules next to dist/; here the repository's, behind the guard.
    symlinkSync(join(root, 'node_modules'), join(tmp, 'node_modules'), 'dir');
    guard = join(tmp, 'dev-dependency-guard.js');
    writeFileSync(guard, GUARD);
  }, 120_000);

  afterAll(() => {
    if (outDir) rmSync(join(outDir, '..'), { recursive: true, force: true });
  });

  function run(env: Record<string, string>): Promise<Run> {
    return new Promise((done, fail) => {
      const child = spawn(process.execPath, ['-r', guard, join(outDir, commandMain)], { cwd: outDir, env: baseEnv(env) });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('error', fail);
      child.on('exit', (code) => {
        clearTimeout(timer);
        done({ code, output });
      });
    });
  }

  it('compiles apps and libs without tests, test support or benchmarks, and no dev tooling in the output', () => {
    expect(result.entryPoints).toContain(commandMain);
    expect(isShippedSource('libs/orders/domain/src/decide.ts')).toBe(true);
    const skippedFiles = [
      'apps/a/src/b.spec.ts',
      'libs/a/src/b.int-spec.ts',
      'apps/a/test/b.e2e-spec.ts',
      'libs/a/src/subscription.contract.ts',
      'libs/testing/postgres/src/index.ts',
      'libs/messaging/src/testing/eventually.ts',
      'libs/x/bench/run.ts',
    ];
    for (const skipped of skippedFiles) {
      expect(isShippedSource(skipped)).toBe(false);
    }
    const files = readdirSync(outDir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js'));
    expect(files.length).toBe(result.files);
    expect(files.filter((file) => /(^|\/)testing\/|spec\.js$|\.contract\.js$/.test(file.split('\\').join('/')))).toEqual([]);
    for (const file of files) {
      const code = readFileSync(join(outDir, file), 'utf8');
      expect({ file, swcNode: code.includes('@swc-node') }).toEqual({ file, swcNode: false });
      expect({ file, alias: /require\(["']@ordersource\//.test(code) }).toEqual({ file, alias: false });
    }
    expect(result.packages).not.toContain('@swc-node/register');
  });

  it('refuses a bad configuration with the clear config error (exit 78), not a load error', async () => {
    const missingKey = await run({
      ORDERSOURCE_PROFILE: 'distributed',
      DATABASE_URL: 'postgres://ordersource@127.0.0.1:1/ordersource',
      AUTH_DISABLED: 'true',
    });
    expect(missingKey.code).toBe(78);
    expect(missingKey.output).toContain('refuses to start: ORDERSOURCE_MASTER_KEY is required');
    expect(missingKey.output).not.toMatch(/Cannot find module|MODULE_NOT_FOUND|\n\s+at /);

    const badProfile = await run({ ORDERSOURCE_PROFILE: 'clustered' });
    expect(badProfile.code).toBe(78);
    expect(badProfile.output).toContain('refuses to start: ORDERSOURCE_PROFILE must be');
  }, 60_000);

  // `npm test` always sets DATABASE_URL (embedded PostgreSQL when unset).
  const serverUrl = process.env.DATABASE_URL;
  const withDatabase = serverUrl ? it : it.skip;
  withDatabase('serves /health/ready and /docs-json when configured (NestJS DI works on the compiled decorator metadata)', async () => {
    const database = await createTestDatabase(serverUrl as string);
    let child: ChildProcess | undefined;
    try {
      child = spawn(process.execPath, ['-r', guard, join(outDir, commandMain)], {
        cwd: outDir,
        env: baseEnv({
          ORDERSOURCE_PROFILE: 'distributed',
          DATABASE_URL: database.url,
          COMMAND_PORT: '0',
          API_KEYS: 'build-test-admin=admin',
          ORDERSOURCE_MASTER_KEY: randomBytes(32).toString('base64'),
          ORDERSOURCE_CHAIN_KEY: randomBytes(32).toString('base64'),
        }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const started = child;
      let errors = '';
      started.stderr?.on('data', (chunk) => (errors += chunk));
      const url = await new Promise<string>((done, fail) => {
        started.once('exit', (code) => fail(new Error(`command service exited with ${code}: ${errors}`)));
        createInterface({ input: started.stdout as NodeJS.ReadableStream }).on('line', (line) => {
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === 'command service listening' && entry.url) done(entry.url);
        });
      });
      const ready = await fetch(`${url}/health/ready`);
      expect(ready.status).toBe(200);
      const docs = await fetch(`${url}/docs-json`);
      expect(docs.status).toBe(200);
      expect(Object.keys(((await docs.json()) as { paths: object }).paths)).toContain('/orders');
      const unauthorized = await fetch(`${url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(unauthorized.status).toBe(401);

      started.removeAllListeners('exit');
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
        started.once('exit', (code, signal) => done({ code, signal })),
      );
      started.kill('SIGTERM');
      // NestJS shutdown hooks close the app, then re-raise the signal.
      expect([{ code: 0, signal: null }, { code: null, signal: 'SIGTERM' }]).toContainEqual(await exited);
    } finally {
      if (child && child.exitCode === null) child.kill('SIGKILL');
      await database.drop();
    }
  }, 90_000);
});
