/**
 * Deletes every topic (but Kafka's own) and every consumer group of the cluster at
 * KAFKA_BROKERS, so the next suite of CI's real-Kafka run starts on an empty broker as it would
 * on its own test broker. Only for that throw-away broker: it refuses without
 * ORDERSOURCE_KAFKA_RESET=yes.
 */
import { Kafka, logLevel } from 'kafkajs';

async function main(): Promise<void> {
  if (process.env.ORDERSOURCE_KAFKA_RESET !== 'yes') throw new Error('refusing to wipe a cluster without ORDERSOURCE_KAFKA_RESET=yes');
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set');
  const admin = new Kafka({ clientId: 'reset-kafka', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { groups } = await admin.listGroups();
    if (groups.length > 0) await admin.deleteGroups(groups.map((g) => g.groupId));
    const topics = (await admin.listTopics()).filter((t) => !t.startsWith('__'));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
    for (let attempt = 0; attempt < 100; attempt++) {
      const left = (await admin.listTopics()).filter((t) => !t.startsWith('__'));
      if (left.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    console.log(`reset: deleted ${topics.length} topic(s) and ${groups.length} group(s)`);
  } finally {
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
