import { ConfigError, requireSecret } from '@ordersource/platform';
import { DataSource } from 'typeorm';
import { createPersonalDataVault } from './create-personal-data-vault';

type Env = Record<string, string | undefined>;

export interface CliOutput {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

const usage = 'usage: npm run forget -- <customerId>\n';

/**
 * `npm run forget -- <customerId>`: crypto-shreds one customer, like
 * `POST /admin/customers/{id}/forget`, and prints `{customerId, erasedAt}`. It runs no
 * migrations: the services own the schema, and a missing table is reported, not created.
 * Answers the process exit code: 0 done, 1 failed, 2 bad usage.
 */
export async function runForgetCli(argv: readonly string[], env: Env, output: CliOutput = process): Promise<number> {
  if (argv.length !== 1 || argv[0] === '--help' || argv[0] === '-h') {
    output.stderr.write(usage);
    return 2;
  }
  const customerId = argv[0].trim();
  // API.md limits: customerId 1-64 chars, no control characters.
  // eslint-disable-next-line no-control-regex
  if (customerId.length === 0 || customerId.length > 64 || /[\u0000-\u001f\u007f]/.test(customerId)) {
    output.stderr.write(`customerId must be 1-64 characters without control characters\n${usage}`);
    return 2;
  }
  let dataSource: DataSource | undefined;
  try {
    if (!env.DATABASE_URL) throw new ConfigError('DATABASE_URL is required: the PostgreSQL server the services use');
    const masterKey = requireSecret(env.ORDERSOURCE_MASTER_KEY, 'ORDERSOURCE_MASTER_KEY');
    dataSource = await new DataSource({ type: 'postgres', url: env.DATABASE_URL }).initialize();
    const vault = await createPersonalDataVault({ dataSource, masterKey });
    const erasure = await vault.forgetCustomer(customerId);
    output.stdout.write(`${JSON.stringify(erasure)}\n`);
    return 0;
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : `forget failed: ${(error as Error).message}`;
    output.stderr.write(`${message}\n`);
    return 1;
  } finally {
    await dataSource?.destroy();
  }
}
