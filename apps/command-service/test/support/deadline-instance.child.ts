/**
 * One command-service instance with payment deadlines on, for the race suite: started from the
 * environment like main.ts, with a short worker poll and lease (PAYMENT_DEADLINE_LEASE_MS) so a
 * SIGKILLed instance's claims pass to the survivor within the test. Prints `ready <url>`.
 */
import 'reflect-metadata';
import { loadConfig } from '@ordersource/platform';
import { startCommandService } from '../../src/bootstrap';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required');
  const service = await startCommandService(
    { ...config, databaseUrl: config.databaseUrl },
    { host: '127.0.0.1', paymentDeadline: { pollMs: 200, leaseMs: Number(process.env.PAYMENT_DEADLINE_LEASE_MS ?? 3000) } },
  );
  process.stdout.write(`ready ${service.url}\n`);
  process.on('SIGTERM', () => void service.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
