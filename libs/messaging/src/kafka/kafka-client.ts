import { Kafka, logLevel } from 'kafkajs';
import type { MessagingLogger } from '../logger';

/**
 * The one place a kafkajs client is made, so services never import kafkajs (no longer actively
 * maintained: it stays behind the subscription port and the relay). kafkajs's own logs go to
 * the service's structured logger.
 */
export function createKafkaClient(options: { brokers: string[]; clientId: string; logger?: MessagingLogger }): Kafka {
  const logger = options.logger;
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => {
      if (!logger) return;
      const text = `kafkajs ${entry.namespace}: ${entry.log.message}`;
      if (entry.level <= logLevel.ERROR) logger.error({ ...entry.log }, text);
      else logger.warn({ ...entry.log }, text);
    },
  });
}
