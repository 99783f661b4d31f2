/**
 * A relay in its own process, for the tests that SIGKILL it (run with
 * `node -r @swc-node/register`). Prints `leader` once it holds the lock and publishes.
 * Env: RELAY_DATABASE_URL, RELAY_CHAIN_KEY, KAFKA_BROKERS, RELAY_TOPIC.
 */
import { openEventStoreDatabase, PostgresEventStore } from '@ordersource/event-store';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaRelay } from '../kafka/relay';
import { messagingMigrations } from '../migrations';

async function main(): Promise<void> {
  const url = required('RELAY_DATABASE_URL');
  const database = await openEventStoreDatabase({ url, chainKey: required('RELAY_CHAIN_KEY'), extraMigrations: messagingMigrations, poolSize: 2 });
  const kafka = new Kafka({ clientId: `relay-${process.pid}`, brokers: required('KAFKA_BROKERS').split(','), logLevel: logLevel.NOTHING });
  const relay = new KafkaRelay({ store: new PostgresEventStore(database), url, kafka, topic: required('RELAY_TOPIC'), batchSize: Number(process.env.RELAY_BATCH ?? 200), lockPollMs: 100 });
  relay.start();
  process.stdout.write('started\n');
  const announce = setInterval(() => {
    if (relay.isLeader) {
      process.stdout.write('leader\n');
      clearInterval(announce);
    }
  }, 20);
  process.on('SIGTERM', () => {
    void relay.stop().then(() => database.close()).then(() => process.exit(0));
  });
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
