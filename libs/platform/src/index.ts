export * from './embedded-postgres/embedded-postgres';
