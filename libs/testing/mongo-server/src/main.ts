/**
 * `npm run mongo-test-server -- --port N`: the MongoDB test server on its own, for pointing
 * other tools (mongosh, pymongo, a service) at it. Ctrl-C stops it and the data is gone.
 * Without --port a free port is picked and printed.
 */
import { startMongoTestServer } from './server';

async function main(): Promise<void> {
  const index = process.argv.indexOf('--port');
  const port = index >= 0 ? Number(process.argv[index + 1]) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port needs a port number, got ${process.argv[index + 1]}`);
  const server = await startMongoTestServer({ port });
  console.log(`MongoDB test server listening on ${server.url}`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
