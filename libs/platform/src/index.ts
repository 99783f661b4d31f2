export * from './auth/access.guard';
export * from './auth/api-keys';
export * from './config/config';
export * from './embedded-postgres/embedded-postgres';
export * from './health/health.controller';
export * from './http/create-http-app';
export * from './http/dependency-failure';
export * from './http/problem';
export * from './http/problem.filter';
export * from './http/request-context';
export * from './http/request-schema';
export * from './logging/logger';
export * from './metrics/metrics';
export * from './platform.module';
export * from './platform.tokens';
export * from './service/run-service';
export * from './service/shutdown';
// Types only: bench/ folders are not part of the production build.
export type * from './bench/bench-table';
