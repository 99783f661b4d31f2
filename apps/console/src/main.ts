import { join } from 'node:path';
import { ConfigError, createLogger } from '@ordersource/platform';
import { loadConsoleConfig } from './console-config';
import { startConsole } from './bootstrap';

/** The ops console's process: `apps/console/dist/` next to `src/` holds the built page (from sources and from dist/). */
async function main(): Promise<void> {
  const logger = createLogger('console', process.env.LOG_LEVEL ?? 'info');
  try {
    const config = loadConsoleConfig(process.env, join(__dirname, '..', 'dist'));
    const running = await startConsole(config, { logger });
    const stop = () => void running.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.fatal(`console refuses to start: ${error.message}`);
      process.exit(78);
    }
    logger.fatal({ err: error }, 'console failed to start');
    process.exit(1);
  }
}

void main();
