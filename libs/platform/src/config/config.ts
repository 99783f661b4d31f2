import { TracingSettings, tracingSettings } from '../tracing/tracing-settings';

/**
 * The services' configuration, read once from the environment (API.md "Configuration"). Bad
 * values stop the process at start-up with a message naming the variable, never later.
 */

export type Profile = 'embedded' | 'distributed';

export interface OrdersourceConfig {
  profile: Profile;
  /** Unset: the launcher starts embedded PostgreSQL and passes its URL. */
  databaseUrl?: string;
  dataDir: string;
  kafkaBrokers: string[];
  mongoUrl: string;
  ports: { command: number; query: number; projector: number };
  apiKeys?: string;
  authDisabled: boolean;
  masterKey?: string;
  chainKey?: string;
  logLevel: string;
  idempotencyTtlMs: number;
  /** HOST: the interface the services listen on; 127.0.0.1 unless set (compose sets 0.0.0.0). */
  host: string;
  /** REQUEST_TIMEOUT_MS: a request not complete by then is answered 408 and its socket closed. */
  requestTimeoutMs: number;
  /**
   * RATE_LIMIT_MAX requests per RATE_LIMIT_WINDOW_MS for each API key; max 0 turns limiting off.
   * The defaults (100,000 per 10 s) limit no suite and no `npm run bench` step (the command bench
   * steps up to 2,800 req/s, the query bench reaches ~4,000 req/s, each on one key): a guard
   * against a runaway client, to be lowered per deployment.
   */
  rateLimit: { max: number; windowMs: number };
  /**
   * DATABASE_POOL_MIN: PostgreSQL connections each service process opens at start and keeps
   * (at most its pool size; default 0: opened on demand). Set it to the pool size where tail
   * latency matters: a burst that grows the pool waits for each new backend's start and first
   * plans (issue 18). Connections above it close after 60 s idle.
   */
  databasePoolMin: number;
  /**
   * APPENDS_IN_FLIGHT: one-statement appends each command-service process sends at once; appends
   * arriving while that many are in flight are group-committed, one statement and one transaction
   * (the event store's append-batch.ts). Default 1: a lone command appends at once, and under load
   * commands wait at most one commit to share the next (`npm run bench -- commands` on embedded 18,
   * 3 climbs each: 1,200 req/s median at 4, 1,800 at 1; the store's own default is 4).
   */
  appendsInFlight: number;
  /** ORDER_PAYMENT_TIMEOUT_SECONDS: unset, unpaid orders are never cancelled by a deadline. */
  paymentTimeoutSeconds?: number;
  /** The standard OTEL_* variables: tracing is off unless an OTLP endpoint is set. */
  tracing: TracingSettings;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): OrdersourceConfig {
  const profile = env.ORDERSOURCE_PROFILE ?? 'embedded';
  if (profile !== 'embedded' && profile !== 'distributed') {
    throw new ConfigError(`ORDERSOURCE_PROFILE must be "embedded" or "distributed", got "${profile}"`);
  }
  return {
    profile,
    databaseUrl: nonEmpty(env.DATABASE_URL),
    dataDir: env.ORDERSOURCE_DATA_DIR ?? './.data',
    kafkaBrokers: (env.KAFKA_BROKERS ?? 'localhost:9092').split(',').map((b) => b.trim()).filter(Boolean),
    mongoUrl: env.MONGO_URL ?? 'mongodb://localhost:27017/ordersource',
    ports: {
      command: portFromEnv(env, 'COMMAND_PORT', 3000),
      query: portFromEnv(env, 'QUERY_PORT', 3001),
      projector: portFromEnv(env, 'PROJECTOR_PORT', 3002),
    },
    apiKeys: nonEmpty(env.API_KEYS),
    authDisabled: bool(env, 'AUTH_DISABLED', false),
    masterKey: nonEmpty(env.ORDERSOURCE_MASTER_KEY),
    chainKey: nonEmpty(env.ORDERSOURCE_CHAIN_KEY),
    logLevel: env.LOG_LEVEL ?? 'info',
    idempotencyTtlMs: positiveInt(env, 'IDEMPOTENCY_TTL_MS', 24 * 3600 * 1000),
    host: nonEmpty(env.HOST) ?? '127.0.0.1',
    requestTimeoutMs: positiveInt(env, 'REQUEST_TIMEOUT_MS', 30_000),
    rateLimit: { max: nonNegativeInt(env, 'RATE_LIMIT_MAX', 100_000), windowMs: positiveInt(env, 'RATE_LIMIT_WINDOW_MS', 10_000) },
    databasePoolMin: nonNegativeInt(env, 'DATABASE_POOL_MIN', 0),
    appendsInFlight: positiveInt(env, 'APPENDS_IN_FLIGHT', 1),
    paymentTimeoutSeconds: env.ORDER_PAYMENT_TIMEOUT_SECONDS ? positiveInt(env, 'ORDER_PAYMENT_TIMEOUT_SECONDS', 0) : undefined,
    tracing: tracingSettings(env),
  };
}

/** The secret keys the services need; a missing one is a start-up error, not a silent default. */
export function requireSecret(value: string | undefined, name: string): Buffer {
  if (!value) throw new ConfigError(`${name} is required (32 bytes, base64 or hex); \`npm start\` generates one into the data directory`);
  const bytes = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (bytes.length !== 32) throw new ConfigError(`${name} must be 32 bytes, base64 or hex (got ${bytes.length} bytes)`);
  return bytes;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== '' ? value.trim() : undefined;
}

/** A TCP port from the environment (0: any free one), `fallback` when unset or empty. */
export function portFromEnv(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new ConfigError(`${name} must be a port number, got "${raw}"`);
  return value;
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new ConfigError(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

function nonNegativeInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}
