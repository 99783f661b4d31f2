/**
 * A Kafka subscription in its own process, for the group test that SIGKILLs a member. Prints
 * `assigned` once it has handled a batch, then `e <orderId> <version>` per delivered event.
 * Env: KAFKA_BROKERS, SUBSCRIBER_TOPIC, SUBSCRIBER_GROUP.
 */
import { Kafka, logLevel } from 'kafkajs';
import { KafkaSubscriptions } from '../kafka/kafka-subscriptions';

async function main(): Promise<void> {
  const topic = process.env.SUBSCRIBER_TOPIC ?? '';
  const kafka = new Kafka({ clientId: `subscriber-${process.pid}`, brokers: (process.env.KAFKA_BROKERS ?? '').split(','), logLevel: logLevel.NOTHING });
  const source = new KafkaSubscriptions({ kafka, topic, deadLetterTopic: `${topic}.dlq`, sessionTimeout: 6000, heartbeatInterval: 500, rebalanceTimeout: 6000 });
  await source.subscribe(process.env.SUBSCRIBER_GROUP ?? '', async (batch) => {
    process.stdout.write(batch.map((e) => `e ${e.orderId} ${e.version}\n`).join(''));
  });
  process.stdout.write('started\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
