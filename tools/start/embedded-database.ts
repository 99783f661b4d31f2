import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ProcessSpec } from './supervisor';

export interface DatabaseProcessSpec extends ProcessSpec {
  /** The superuser URL, known once the first run is ready. */
  url(): string;
  /** False when the first run found a server already running in the folder and reused it. */
  started(): boolean;
}

/**
 * Embedded PostgreSQL as one supervised process: the CLI starts the server (or reuses one left
 * running in the folder) and exits when the server dies, so the supervisor restarts it, on the
 * port of the first run, which the services' DATABASE_URL names. It runs in its own process
 * group: Ctrl-C in the terminal reaches the services (which drain their requests) but not the
 * database, which the supervisor stops last.
 */
export function embeddedDatabaseSpec(root: string, dataDir: string): DatabaseProcessSpec {
  const cli = join(root, 'libs/platform/src/embedded-postgres/embedded-postgres.cli.ts');
  let url: string | undefined;
  let port: number | undefined;
  let started = true;
  const announced = new WeakMap<ChildProcess, Promise<void>>();
  return {
    name: 'postgres',
    spawn() {
      const args = ['-r', '@swc-node/register', cli, 'start', dataDir, ...(port ? [String(port)] : [])];
      // stdin stays open: the CLI stops its server when stdin ends (this process is gone) or on SIGTERM.
      const child = spawn(process.execPath, args, { cwd: root, detached: true, stdio: ['pipe', 'pipe', 'inherit'] });
      const first = url === undefined;
      announced.set(
        child,
        new Promise((resolve, reject) => {
          child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited with code ${code}`)));
          createInterface({ input: child.stdout as NonNullable<typeof child.stdout> }).once('line', (line) => {
            const announcement = JSON.parse(line) as { url: string; port: number; started: boolean };
            url = announcement.url;
            port = announcement.port;
            if (first) started = announcement.started;
            resolve();
          });
        }),
      );
      // A restart's readiness is not awaited; an early exit is the supervisor's to handle.
      announced.get(child)?.catch(() => undefined);
      return child;
    },
    ready: (child) => announced.get(child) ?? Promise.reject(new Error('not a run of this database')),
    url: () => {
      if (!url) throw new Error('embedded PostgreSQL has not started yet');
      return url;
    },
    started: () => started,
  };
}

export interface DatabaseProcess {
  url: string;
  started: boolean;
  stop(): Promise<void>;
}

/** One unsupervised run of embedded PostgreSQL, for the demo's own stack (tools/demo/stack.ts). */
export function startDatabaseProcess(root: string, dataDir: string): Promise<DatabaseProcess> {
  const cli = join(root, 'libs/platform/src/embedded-postgres/embedded-postgres.cli.ts');
  const child = spawn(process.execPath, ['-r', '@swc-node/register', cli, 'start', dataDir], {
    cwd: root,
    detached: true,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited with code ${code}`)));
    createInterface({ input: child.stdout }).once('line', (line) => {
      const { url, started } = JSON.parse(line) as { url: string; started: boolean };
      child.removeAllListeners('exit');
      resolve({
        url,
        started,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.stdin.end();
          }),
      });
    });
  });
}
