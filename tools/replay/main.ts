/**
 * `npm run replay -- <projection|all> [--verify-only]` rebuilds views from the log beside the
 * live ones (issue 7), with a progress bar, and prints each diff; `npm run replay -- rollback
 * <name>` swaps the previous generation back in. Safe while the services run (one rebuild per
 * view cluster-wide; the live projection is paused through PostgreSQL for the swap), and after
 * the read store was wiped: `all` restores every view from the log alone.
 */
import { Presets, SingleBar } from 'cli-progress';
import { PostgresEventStore, openEventStoreDatabase } from '@ordersource/event-store';
import { messagingMigrations, openSubscriptionSource } from '@ordersource/messaging';
// The rebuild is not exported by @ordersource/read-models' index yet (another engineer owns it).
import { Rebuilder, openRebuildStore, projectionStatusMigrations, readModelMigrations, rebuildMigrations, type RebuildRecord } from '@ordersource/read-models';
import { replayConfig } from './replay-config';

const USAGE = 'usage: npm run replay -- <projection|all> [--verify-only]\n       npm run replay -- rollback <projection>';

async function main(args: string[]): Promise<number> {
  const verifyOnly = args.includes('--verify-only');
  const positional = args.filter((arg) => !arg.startsWith('--'));
  if (positional.length === 0 || args.some((arg) => arg.startsWith('--') && arg !== '--verify-only')) return usage();
  const config = replayConfig();
  const database = await openEventStoreDatabase({
    url: config.databaseUrl,
    chainKey: config.chainKey,
    extraMigrations: [...messagingMigrations, ...readModelMigrations, ...projectionStatusMigrations, ...rebuildMigrations],
    poolSize: 6,
  });
  const closers: (() => Promise<unknown>)[] = [() => database.close()];
  try {
    const eventStore = new PostgresEventStore(database);
    const store = await openRebuildStore(config.profile, { pool: database.pool, mongoUrl: config.mongoUrl });
    closers.push(() => store.close());
    // Distributed: the relay stands by while a projector's relay is active and publishes the log itself when none runs.
    const opened = openSubscriptionSource(config.profile, { store: eventStore, database, url: config.databaseUrl, kafkaBrokers: config.kafkaBrokers, clientId: 'ordersource-replay' });
    closers.push(() => opened.close());
    const source = opened.source;
    const rebuilder = new Rebuilder({ pool: database.pool, url: config.databaseUrl, store, eventStore, source });
    closers.push(() => rebuilder.close());
    if (positional[0] === 'rollback') {
      if (positional.length !== 2) return usage();
      const generations = await rebuilder.rollback(positional[1]);
      console.log(`${positional[1]}: rolled back; generation ${generations.active} is active, ${generations.previous} kept as previous`);
      return 0;
    }
    if (positional.length !== 1) return usage();
    const views = positional[0] === 'all' ? rebuilder.views : [positional[0]];
    if (!views.every((view) => rebuilder.views.includes(view))) {
      console.error(`unknown projection "${positional[0]}"; one of: ${rebuilder.views.join(', ')}, all`);
      return 2;
    }
    let failed = false;
    for (const view of views) {
      const record = await rebuildWithProgress(rebuilder, view, verifyOnly);
      printSummary(record);
      failed ||= record.status === 'failed';
    }
    return failed ? 1 : 0;
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  }
}

async function rebuildWithProgress(rebuilder: Rebuilder, view: string, verifyOnly: boolean): Promise<RebuildRecord> {
  const started = await rebuilder.start(view, { verifyOnly });
  console.log(`${view}: rebuild ${started.rebuildId}${started.resumed ? ' resumed from its checkpoint' : ''}`);
  // A bar on a terminal; piped output (CI, scripts) gets a plain line every few seconds instead.
  const bar = process.stdout.isTTY ? new SingleBar({ format: `${view} [{bar}] {percentage}% | {value}/{total} events | {rate} events/s | ETA {etaText} | {state}`, hideCursor: true }, Presets.shades_classic) : undefined;
  bar?.start(1, 0, { rate: 0, etaText: '-', state: 'running' });
  let lastLine = Date.now();
  const tick = setInterval(() => {
    const progress = rebuilder.active(view);
    if (!progress) return;
    const etaText = progress.etaSeconds === null ? '-' : `${progress.etaSeconds}s`;
    if (bar) {
      bar.setTotal(Math.max(progress.total, 1));
      bar.update(progress.processed, { rate: progress.eventsPerSecond, etaText, state: progress.status });
    } else if (Date.now() - lastLine >= 5000) {
      lastLine = Date.now();
      console.log(`${view}: ${progress.status} ${progress.processed}/${progress.total} events, ${progress.eventsPerSecond} events/s, ETA ${etaText}`);
    }
  }, 250);
  try {
    return await started.done;
  } finally {
    clearInterval(tick);
    bar?.stop();
  }
}

function printSummary(record: RebuildRecord): void {
  const diff = record.differences === null ? 'no diff' : `${record.differences} differing documents (live ${record.liveCount}, rebuilt ${record.rebuiltCount})`;
  console.log(`${record.view}: ${record.status}; ${record.processed} events at ${Math.round(record.eventsPerSecond)} events/s; ${diff}`);
  for (const id of (record.differingIds ?? []).slice(0, 20)) console.log(`  differs: ${id}`);
  if (record.error) console.log(`  error: ${record.error}`);
  // One machine-readable line per view, for scripts and the suites.
  console.log(`result ${JSON.stringify(record)}`);
}

function usage(): number {
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
