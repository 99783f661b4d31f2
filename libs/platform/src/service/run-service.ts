import { resolve } from 'node:path';
import { ConfigError, OrdersourceConfig, loadConfig } from '../config/config';
import { startEmbeddedPostgres } from '../embedded-postgres/embedded-postgres';
import { createLogger } from '../logging/logger';

/**
 * A service's `main`: reads the environment, finds its PostgreSQL (DATABASE_URL, else the
 * embedded server in the data directory: started, or reused when the launcher already runs
 * it), starts, and on a configuration error exits with a message that names the fix.
 */
export async function runService(
  service: string,
  start: (config: OrdersourceConfig & { databaseUrl: string }) => Promise<unknown>,
): Promise<void> {
  const logger = createLogger(service, process.env.LOG_LEVEL ?? 'info');
  try {
    const config = loadConfig();
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const server = await startEmbeddedPostgres({ dataDir: resolve(config.dataDir, 'pg') });
      databaseUrl = server.url;
      logger.info({ port: server.port, started: server.started }, 'DATABASE_URL unset: using embedded PostgreSQL');
    }
    await start({ ...config, databaseUrl });
  } catch (error) {
    if (error instanceof ConfigError || (error as { name?: string }).name?.endsWith('ConfigError')) {
      logger.fatal(`${service} refuses to start: ${(error as Error).message}`);
      process.exit(78);
    }
    logger.fatal({ err: error }, `${service} failed to start`);
    process.exit(1);
  }
}
