export * from './subscription.port';
export { messagingMetrics, type MessagingMetrics } from './metrics';
export { silentLogger, type MessagingLogger } from './logger';
export { messagingMigrations } from './migrations';
export { toEventMessage } from './to-event-message';
export type { ParkingStore, EventToPark } from './parking/parking-store';
export { PostgresLogSubscriptions, type PostgresLogSubscriptionsOptions } from './postgres-log/postgres-log-subscriptions';
export { KafkaSubscriptions, type KafkaSubscriptionsOptions } from './kafka/kafka-subscriptions';
export { KafkaRelay, type KafkaRelayOptions } from './kafka/relay';
