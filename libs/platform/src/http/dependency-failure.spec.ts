import { isDependencyFailure } from './dependency-failure';

describe('isDependencyFailure', () => {
  it.each([
    ['a refused socket', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a server shutting down', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['a connection exception', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['pg losing its connection', new Error('Connection terminated unexpectedly')],
    ['a TypeORM-wrapped driver error', Object.assign(new Error('query failed'), { driverError: Object.assign(new Error('x'), { code: 'ECONNRESET' }) })],
    ['MongoDB server selection', Object.assign(new Error('Server selection timed out'), { name: 'MongoServerSelectionError' })],
    ['a Kafka connection error', Object.assign(new Error('Connection error'), { name: 'KafkaJSConnectionError' })],
    ['a cause chain', new Error('publish failed', { cause: Object.assign(new Error('x'), { name: 'KafkaJSNumberOfRetriesExceeded' }) })],
  ])('recognises %s', (_what, error) => {
    expect(isDependencyFailure(error)).toBe(true);
  });

  it.each([
    ['a programming error', new TypeError('x is not a function')],
    ['a constraint violation', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['a value the store refused', Object.assign(new Error('date/time field value out of range'), { code: '22008' })],
    ['nothing', undefined],
  ])('does not take %s for an outage', (_what, error) => {
    expect(isDependencyFailure(error)).toBe(false);
  });
});
