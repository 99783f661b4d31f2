import { createReadStream, statSync } from 'node:fs';
import { Presets, SingleBar } from 'cli-progress';
import { PostgresEventStore, PostgresNamedSequences, openEventStoreDatabase } from '@ordersource/event-store';
import { OrderImporter, importDigestKey, type ImportSummary } from '@ordersource/order-import';
import { createPersonalDataVault, personalDataMigrations } from '@ordersource/personal-data';
import { loadConfig, requireSecret } from '@ordersource/platform';

export const USAGE = `usage: npm run import -- <file.ndjson> [--actor <subject>] [--batch <orders per transaction>]

Imports historical orders, one JSON order per line (API.md "Import of historical orders"), into the
event store at DATABASE_URL (or beside \`npm start\`, its embedded PostgreSQL), each through the
decider. Events carry actor import:<subject> (default: cli) and one correlation id for the run.
Re-running the same file imports nothing twice. The last line printed is the summary as JSON.`;

export interface ImportCliOutput {
  log(line: string): void;
  error(line: string): void;
  /** A progress bar on a terminal; plain lines every few seconds otherwise. */
  tty: boolean;
}

/** `npm run import`; returns the exit code (1 when any line was rejected, 2 on bad usage). */
export async function runImportCli(args: readonly string[], env: NodeJS.ProcessEnv, output: ImportCliOutput): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    output.error(`${parsed}\n\n${USAGE}`);
    return 2;
  }
  const config = loadConfig(env);
  if (!config.databaseUrl) throw new Error('DATABASE_URL is not set and no running `npm start` was found in ORDERSOURCE_DATA_DIR');
  const chainKey = requireSecret(config.chainKey, 'ORDERSOURCE_CHAIN_KEY');
  const masterKey = requireSecret(config.masterKey, 'ORDERSOURCE_MASTER_KEY');
  const size = statSync(parsed.file).size;
  const database = await openEventStoreDatabase({ url: config.databaseUrl, chainKey, extraMigrations: personalDataMigrations, poolSize: 6 });
  const store = new PostgresEventStore(database);
  try {
    const vault = await createPersonalDataVault({ dataSource: database.dataSource, masterKey });
    const importer = new OrderImporter({ store, sealer: vault, sequences: new PostgresNamedSequences(database), digestKey: importDigestKey(masterKey), batchSize: parsed.batch });
    const bar = output.tty ? new SingleBar({ format: 'import [{bar}] {percentage}% | {lines} lines | {imported} imported, {already} already there, {rejected} rejected | {rate} orders/s', hideCursor: true }, Presets.shades_classic) : undefined;
    bar?.start(size, 0, { lines: 0, imported: 0, already: 0, rejected: 0, rate: 0 });
    const started = performance.now();
    let lastLine = Date.now();
    const summary: ImportSummary = await importer.run(createReadStream(parsed.file, { highWaterMark: 256 * 1024 }), {
      subject: parsed.actor,
      onProgress: (progress) => {
        const rate = Math.round(progress.imported / ((performance.now() - started) / 1000));
        bar?.update(progress.bytesRead, { lines: progress.lines, imported: progress.imported, already: progress.alreadyImported, rejected: progress.rejected, rate });
        if (!bar && Date.now() - lastLine >= 5000) {
          lastLine = Date.now();
          output.log(`import: ${progress.lines} lines, ${progress.imported} imported, ${progress.rejected} rejected, ${rate} orders/s`);
        }
      },
    });
    bar?.update(size);
    bar?.stop();
    const seconds = (performance.now() - started) / 1000;
    output.log(`import: ${summary.imported} orders (${summary.events} events) imported in ${seconds.toFixed(1)} s, ${summary.alreadyImported} already there, ${summary.rejectedCount} rejected`);
    for (const rejection of summary.rejected.slice(0, 20)) output.log(`  line ${rejection.line}: ${rejection.type}: ${rejection.detail}`);
    output.log(JSON.stringify(summary));
    return summary.rejectedCount === 0 ? 0 : 1;
  } finally {
    await store.notificationsSent();
    await database.close();
  }
}

function parseArgs(args: readonly string[]): { file: string; actor: string; batch?: number } | string {
  const files: string[] = [];
  let actor = 'cli';
  let batch: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--actor') actor = args[++i] ?? '';
    else if (arg === '--batch') batch = Number(args[++i]);
    else if (arg.startsWith('-')) return `unknown option ${arg}`;
    else files.push(arg);
  }
  if (files.length !== 1) return 'name exactly one NDJSON file';
  if (!/^[\x21-\x7E]{1,64}$/.test(actor)) return '--actor takes 1-64 printable characters';
  if (batch !== undefined && !(Number.isInteger(batch) && batch >= 1 && batch <= 5000)) return '--batch takes a number from 1 to 5000';
  return { file: files[0], actor, batch };
}
