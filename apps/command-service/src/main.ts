import 'reflect-metadata';
// Before anything requires pg or mongodb: their OpenTelemetry instrumentations hook the first require (issue 15).
import '@ordersource/platform/instrument-libraries';
import { createLogger } from '@ordersource/platform/logger';
import { commandWorkers, isClusterPrimary, runPrimary } from './cluster';

let workers = 1;
const logger = createLogger('command-service', process.env.LOG_LEVEL ?? 'info');
try {
  workers = isClusterPrimary() ? commandWorkers() : 1;
} catch (error) {
  logger.fatal(`command-service refuses to start: ${(error as Error).message}`);
  process.exit(78);
}
if (workers > 1) {
  // The primary only forks and supervises, so it never loads the service (Nest, Fastify, the
  // stores): loaded, they were ~55 MB of heap doing nothing, whose idle full collections (20-60 ms
  // each, on a 2-core machine) took the workers' CPU and showed as latency spikes (issue 18).
  runPrimary(workers, (message) => logger.error(message));
} else {
  void (require('./bootstrap') as typeof import('./bootstrap')).runCommandService();
}
