export * from './event-store.port';
export * from './errors';
export { openEventStoreDatabase, runMigrations, type EventStoreDatabase, type OpenEventStoreDatabaseOptions } from './postgres/database';
export { APP_ROLE, eventStoreMigrations } from './postgres/migrations';
export { PostgresEventStore, type PostgresEventStoreOptions } from './postgres/postgres-event-store';
export { PostgresIdempotencyStore } from './postgres/idempotency-store';
export { NOTIFY_CHANNEL } from './postgres/notifier';
export { eventHash, headHmac } from './postgres/hashing';
export * from './export';
