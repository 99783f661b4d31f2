/**
 * `npm start`: the embedded profile in one command (issue 8). Starts embedded PostgreSQL unless
 * DATABASE_URL is set, generates keys on first start (kept in the data directory), runs the
 * services as separate processes with prefixed readable logs, and prints how to use them. It is
 * a supervisor (issue 17): a service or the embedded PostgreSQL that dies is started again with
 * back-off and a log line; only Ctrl-C stops everything (services first, so they finish
 * in-flight requests, then the database). A second start keeps the data of the first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '@ordersource/platform';
import { DatabaseProcessSpec, embeddedDatabaseSpec } from './embedded-database';
import { apiKeysOf, loadOrCreateSecrets } from './secrets';
import { startServiceProcess, waitUntilReady } from './service-process';
import { ProcessSpec, Supervisor } from './supervisor';

const root = resolve(__dirname, '..', '..');

/** The services `npm start` runs: adding one is one entry. */
function serviceList(ports: { command: number; query: number; projector: number; console: number }) {
  return [
    { name: 'command', entry: 'apps/command-service/src/main.ts', port: ports.command },
    { name: 'projector', entry: 'apps/projector-service/src/main.ts', port: ports.projector },
    { name: 'query', entry: 'apps/query-service/src/main.ts', port: ports.query },
    { name: 'console', entry: 'apps/console/src/main.ts', port: ports.console },
  ];
}

async function main(): Promise<void> {
  const config = loadConfig();
  const dataDir = resolve(config.dataDir);
  const secrets = loadOrCreateSecrets(dataDir);
  const database: DatabaseProcessSpec | undefined = config.databaseUrl ? undefined : embeddedDatabaseSpec(root, join(dataDir, 'pg'));
  const environment = (): NodeJS.ProcessEnv => ({
    ...process.env,
    ORDERSOURCE_PROFILE: config.profile,
    DATABASE_URL: config.databaseUrl ?? database?.url(),
    API_KEYS: process.env.API_KEYS ?? apiKeysOf(secrets),
    ORDERSOURCE_MASTER_KEY: process.env.ORDERSOURCE_MASTER_KEY ?? secrets.masterKey,
    ORDERSOURCE_CHAIN_KEY: process.env.ORDERSOURCE_CHAIN_KEY ?? secrets.chainKey,
  });
  // The ops console's page is bundled from the lockfile's packages before it is served (issue 14).
  execFileSync(process.execPath, ['-r', '@swc-node/register', 'apps/console/build/build-web.ts'], { cwd: root, stdio: 'inherit' });
  const services = serviceList({ ...config.ports, console: consolePort() }).filter((spec) => existsSync(join(root, spec.entry)));
  const width = Math.max(...services.map((spec) => spec.name.length)) + 2;
  const specs: ProcessSpec[] = [
    ...(database ? [database] : []),
    ...services.map(
      (service): ProcessSpec => ({
        name: service.name,
        spawn: () => startServiceProcess(root, { ...service, prefix: `[${service.name}]`.padEnd(width) }, environment()),
        // A run that dies while starting (its database still starting up) is restarted by the supervisor.
        ready: () => waitUntilReady(`http://127.0.0.1:${service.port}`, undefined, 120_000),
      }),
    ),
  ];

  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nordersource: stopping…');
    await supervisor.stop();
    console.log('ordersource: stopped; data kept in', dataDir);
    process.exit(code);
  };
  const supervisor = new Supervisor(specs, {
    log: (line) => console.error(line),
    // A service that refuses its configuration cannot be fixed by restarting it.
    onFatal: () => void stopAll(1),
  });
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  try {
    await supervisor.start();
  } catch (error) {
    console.error('ordersource: failed to start:', error instanceof Error ? error.message : error);
    await stopAll(1);
    return;
  }
  const env = environment();
  printWelcome({ ...config.ports, console: consolePort() }, env.API_KEYS === apiKeysOf(secrets) ? secrets : undefined, database?.started());
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
