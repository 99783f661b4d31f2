/**
 * `npm test`: runs every project's tests through Nx. When DATABASE_URL is unset it first starts
 * a throw-away embedded PostgreSQL 18 and points the suites at it, so the test command needs
 * nothing installed; with DATABASE_URL set (CI's second run: the machine's PostgreSQL 15) it
 * uses that server. Extra arguments go to `nx run-many` (e.g. `-- --projects=event-store`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '@ordersource/platform';

async function main(): Promise<number> {
  let stop: (() => Promise<void>) | undefined;
  let dataDir: string | undefined;
  if (!process.env.DATABASE_URL) {
    dataDir = mkdtempSync(join(tmpdir(), 'ordersource-test-pg-'));
    const server = await startEmbeddedPostgres({ dataDir });
    process.env.DATABASE_URL = server.url;
    stop = server.stop;
    console.log(`npm test: embedded PostgreSQL started on port ${server.port} (data in ${dataDir})`);
  } else {
    console.log(`npm test: using DATABASE_URL ${redact(process.env.DATABASE_URL)}`);
  }
  try {
    const args = ['nx', 'run-many', '-t', 'test', '--outputStyle=stream', ...process.argv.slice(2)];
    return await new Promise<number>((resolveCode) => {
      const child = spawn('npx', args, { stdio: 'inherit', env: process.env });
      const forward = (signal: NodeJS.Signals) => child.kill(signal);
      process.on('SIGINT', forward);
      process.on('SIGTERM', forward);
      child.on('exit', (code, signal) => resolveCode(code ?? (signal ? 1 : 0)));
    });
  } finally {
    await stop?.();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
