/**
 * `npm run kafka-test-broker -- --port N`: the Kafka test broker on its own, for pointing other
 * tools (kcat, a second client, a service) at it. Logs topic and group changes to stderr; Ctrl-C
 * stops it. Without --port a free port is picked and printed.
 */
import { startKafkaTestBroker } from './kafka-test-broker';

async function main(): Promise<void> {
  const index = process.argv.indexOf('--port');
  const port = index >= 0 ? Number(process.argv[index + 1]) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port needs a port number, got ${process.argv[index + 1]}`);
  const verbose = process.argv.includes('--verbose');
  const broker = await startKafkaTestBroker({
    port,
    logger: { debug: (message) => verbose && console.error(message), warn: (message) => console.error(message) },
  });
  console.log(`Kafka test broker listening on ${broker.brokers[0]}`);
  const stop = () => void broker.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
