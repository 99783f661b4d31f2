/**
 * Recognises an error that says a dependency (PostgreSQL, Kafka, MongoDB) is away rather than
 * that the request was wrong or the code is broken: such a request gets 503 with Retry-After,
 * not 500 (API.md "v1 clarifications": a dependency failure never ends a process, services
 * answer 503 while it is down). Drivers are recognised by their error codes and class names, so
 * platform imports none of them.
 */

/** Node socket errors: the server refused, reset or cannot be reached. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);
/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01-57P03 (admin shutdown, crash
 * shutdown, cannot connect now), 53300 (too many connections), 53100 (disk full).
 */
const POSTGRES_STATES = /^(08...|57P0[1-3]|53300|53100)$/;
/** pg and pg-pool's own errors (no code) when a connection ends or cannot be had in time. */
const POSTGRES_MESSAGES = /Connection terminated|not queryable|timeout exceeded when trying to connect|Cannot use a pool after calling end|Connection refused/i;
/** mongodb driver and kafkajs classes that mean "the server is away", not "the request is bad". */
const DRIVER_NAMES = /^(Mongo(Network|NetworkTimeout|ServerSelection|NotConnected|Topology|PoolCleared|ServerClosed)\w*Error|KafkaJS(Connection|NumberOfRetriesExceeded|BrokerNotFound|RequestTimeout|LeaderNotAvailable|ServerDoesNotExist|Timeout)\w*)$/;

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  driverError?: unknown;
  originalError?: unknown;
  errors?: unknown;
}

export function isDependencyFailure(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const e = error as ErrorLike;
  if (typeof e.code === 'string' && (SOCKET_CODES.has(e.code) || POSTGRES_STATES.test(e.code))) return true;
  if (typeof e.name === 'string' && DRIVER_NAMES.test(e.name)) return true;
  if (typeof e.message === 'string' && POSTGRES_MESSAGES.test(e.message) && !(typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code))) return true;
  // TypeORM wraps the driver's error; kafkajs and AggregateError carry causes.
  const nested = [e.cause, e.driverError, e.originalError, ...(Array.isArray(e.errors) ? e.errors : [])];
  return nested.some((inner) => inner !== error && isDependencyFailure(inner, depth + 1));
}
