/**
 * `npm start`: the embedded profile in one command (issue 8). Starts embedded PostgreSQL unless
 * DATABASE_URL is set, generates keys on first start (kept in the data directory), runs the
 * command, projector and query services as separate processes with prefixed readable logs,
 * prints how to use them, and on Ctrl-C stops the services (they finish in-flight requests)
 * and then the database. A second start keeps the data of the first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '@ordersource/platform';
import { startDatabaseProcess } from './embedded-database';
import { apiKeysOf, loadOrCreateSecrets } from './secrets';
import { ServiceSpec, startServiceProcess, stopProcess, waitUntilReady } from './service-process';

const root = resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  const config = loadConfig();
  const dataDir = resolve(config.dataDir);
  const secrets = loadOrCreateSecrets(dataDir);
  const database = config.databaseUrl ? undefined : await startDatabaseProcess(root, join(dataDir, 'pg'));
  const databaseUrl = config.databaseUrl ?? database?.url;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ORDERSOURCE_PROFILE: config.profile,
    DATABASE_URL: databaseUrl,
    API_KEYS: process.env.API_KEYS ?? apiKeysOf(secrets),
    ORDERSOURCE_MASTER_KEY: process.env.ORDERSOURCE_MASTER_KEY ?? secrets.masterKey,
    ORDERSOURCE_CHAIN_KEY: process.env.ORDERSOURCE_CHAIN_KEY ?? secrets.chainKey,
  };
  const services: ServiceSpec[] = [
    { name: 'command', entry: 'apps/command-service/src/main.ts', port: config.ports.command, prefix: '[command]  ' },
    { name: 'projector', entry: 'apps/projector-service/src/main.ts', port: config.ports.projector, prefix: '[projector]' },
    { name: 'query', entry: 'apps/query-service/src/main.ts', port: config.ports.query, prefix: '[query]    ' },
    { name: 'console', entry: 'apps/console/src/main.ts', port: consolePort(), prefix: '[console]  ' },
  ].filter((spec) => existsSync(join(root, spec.entry)));

  // The ops console's page is bundled from the lockfile's packages before it is served (issue 14).
  execFileSync(process.execPath, ['-r', '@swc-node/register', 'apps/console/build/build-web.ts'], { cwd: root, stdio: 'inherit' });
  const children = services.map((spec) => ({ spec, child: startServiceProcess(root, spec, env) }));
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nordersource: stopping services…');
    await Promise.all(children.map(({ child }) => stopProcess(child)));
    if (database) {
      console.log('ordersource: stopping embedded PostgreSQL…');
      await database.stop();
    }
    console.log('ordersource: stopped; data kept in', dataDir);
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  for (const { spec, child } of children) {
    child.once('exit', (code, signal) => {
      if (!stopping) {
        console.error(`ordersource: ${spec.name} service exited (${signal ?? code}); stopping everything`);
        void stopAll(1);
      }
    });
  }
  await Promise.all(children.map(({ spec, child }) => waitUntilReady(`http://127.0.0.1:${spec.port}`, child, 60_000)));
  printWelcome({ ...config.ports, console: consolePort() }, env.API_KEYS === apiKeysOf(secrets) ? secrets : undefined, database?.started);
}

function consolePort(): number {
  return Number(process.env.CONSOLE_PORT || 3003);
}

function printWelcome(ports: { command: number; query: number; projector: number; console: number }, secrets: ReturnType<typeof loadOrCreateSecrets> | undefined, startedDatabase?: boolean) {
  const lines = [
    '',
    'ordersource is running (embedded profile)' + (startedDatabase === false ? ', reusing a running embedded PostgreSQL' : ''),
    `  command service    http://localhost:${ports.command}   docs: http://localhost:${ports.command}/docs`,
    `  query service      http://localhost:${ports.query}   docs: http://localhost:${ports.query}/docs`,
    `  projector service  http://localhost:${ports.projector}   docs: http://localhost:${ports.projector}/docs`,
    `  ops console        http://localhost:${ports.console}   (sign in with one of the keys below)`,
  ];
  if (secrets) {
    lines.push(
      '  API keys (kept in the data directory; set API_KEYS to use your own):',
      `    admin     ${secrets.keys.admin}`,
      `    operator  ${secrets.keys.operator}`,
      `    customer  ${secrets.keys.customer}  (customerId ${secrets.keys.customerId})`,
      '  Try:',
      `    curl -s -X POST localhost:${ports.command}/orders -H 'content-type: application/json' -H 'authorization: Bearer ${secrets.keys.operator}' \\`,
      `      -d '{"customerId":"${secrets.keys.customerId}","currency":"EUR","items":[{"sku":"BOOK-1","quantity":1,"unitPrice":1999}],"shippingAddress":{"name":"Ada","line1":"1 Main St","city":"Paris","postalCode":"75001","country":"FR"}}'`,
    );
  }
  lines.push('  Ctrl-C stops everything.', '');
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
  console.error('ordersource: failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
