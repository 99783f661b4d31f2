export * from './test-database';
export * from './open-write-transaction';
