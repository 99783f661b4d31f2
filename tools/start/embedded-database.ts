import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface DatabaseProcess {
  url: string;
  started: boolean;
  stop(): Promise<void>;
}

/**
 * Embedded PostgreSQL in its own process group: Ctrl-C in the terminal reaches the services
 * (which drain their requests) but not the database, which the launcher stops last.
 */
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
