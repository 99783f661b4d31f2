/**
 * What the recovery CLIs (export, restore, repair) share: where they connect and with which
 * chain key (the environment first, else what `npm start` keeps in its data directory), the
 * side tables a backup carries, and one progress display.
 */
import { Presets, SingleBar } from 'cli-progress';
import { loadConfig, requireSecret } from '@ordersource/platform';
import { localEnvironment } from '../start/local-environment';

/**
 * The key vault's rows travel with the log: the keys are wrapped by the master key (never in
 * the file), and without them a restored log's personal data would read as erased.
 */
export const BACKUP_TABLES = ['customer_keys', 'erased_customers', 'vault_check'];

export interface RecoveryConfig {
  databaseUrl?: string;
  chainKey: Buffer;
}

export function recoveryConfig(env: NodeJS.ProcessEnv = process.env): RecoveryConfig {
  const config = loadConfig(localEnvironment(env));
  return { databaseUrl: config.databaseUrl, chainKey: requireSecret(config.chainKey, 'ORDERSOURCE_CHAIN_KEY') };
}

export function requireDatabaseUrl(config: RecoveryConfig): string {
  if (!config.databaseUrl) throw new Error('DATABASE_URL is not set and no running `npm start` was found in ORDERSOURCE_DATA_DIR');
  return config.databaseUrl;
}

export interface Progress {
  update(value: number, total: number): void;
  stop(): void;
}

/** A bar on a terminal; piped output (CI, scripts) gets a plain line every few seconds instead. */
export function progress(label: string, unit: 'events' | 'bytes'): Progress {
  const shown = (value: number) => (unit === 'bytes' ? `${(value / 1048576).toFixed(1)} MiB` : String(value));
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: `${label} [{bar}] {percentage}% | {done}/{all} | ETA {eta_formatted}`, hideCursor: true, stream: process.stderr }, Presets.shades_classic)
    : undefined;
  let started = false;
  let lastLine = 0;
  return {
    update(value, total) {
      if (bar) {
        if (!started) bar.start(Math.max(total, 1), 0, { done: shown(0), all: shown(total) });
        started = true;
        bar.setTotal(Math.max(total, 1));
        bar.update(value, { done: shown(value), all: shown(total) });
      } else if (Date.now() - lastLine >= 5000) {
        lastLine = Date.now();
        console.error(`${label}: ${shown(value)} of ${shown(total)}`);
      }
    },
    stop() {
      if (started) bar?.stop();
    },
  };
}

/** Peak resident memory of this process so far, in MiB (the constant-memory claim's figure). */
export function peakRssMiB(): number {
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

export function runCli(main: (args: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
