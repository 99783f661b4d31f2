import 'reflect-metadata';
// Before anything requires pg or mongodb: their OpenTelemetry instrumentations hook the first require (issue 15).
import '@ordersource/platform/instrument-libraries';
import { createLogger, runService } from '@ordersource/platform';
import { startCommandService } from './bootstrap';
import { commandWorkers, isClusterPrimary, runPrimary } from './cluster';

let workers = 1;
const logger = createLogger('command-service', process.env.LOG_LEVEL ?? 'info');
try {
  workers = isClusterPrimary() ? commandWorkers() : 1;
} catch (error) {
  logger.fatal(`command-service refuses to start: ${(error as Error).message}`);
  process.exit(78);
}
if (workers > 1) runPrimary(workers, (message) => logger.error(message));
else void runService('command-service', startCommandService);
