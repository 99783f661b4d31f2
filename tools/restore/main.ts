/**
 * `npm run restore -- <file>`: loads a verified export into an EMPTY event store (refuses
 * otherwise), as the owner role of DATABASE_URL, in one transaction. Afterwards
 * `GET /admin/integrity` is ok, the event count and every stream head equal the file's, and
 * `npm run replay -- all` rebuilds the views from it. Issue 13.
 */
import { RestoreRefusedError, restoreExport } from '@ordersource/event-store';
import { personalDataMigrations } from '@ordersource/personal-data';
import { BACKUP_TABLES, peakRssMiB, progress, recoveryConfig, requireDatabaseUrl, runCli } from '../export/recovery-cli';

async function main(args: string[]): Promise<number> {
  if (args.length !== 1 || args[0].startsWith('--')) {
    console.error('usage: npm run restore -- <file>');
    return 2;
  }
  const config = recoveryConfig();
  const bar = progress('restore', 'bytes');
  const started = Date.now();
  try {
    const summary = await restoreExport(requireDatabaseUrl(config), args[0], config.chainKey, {
      extraMigrations: personalDataMigrations,
      tables: BACKUP_TABLES,
      onProgress: (p) => bar.update(p.bytes, p.totalBytes),
    });
    bar.stop();
    const seconds = (Date.now() - started) / 1000;
    console.log(`restored ${summary.events} events in ${summary.streams} streams (up to ${summary.manifest.until}), ${Math.round(summary.events / seconds)} events/s`);
    console.log('next: start the services and rebuild the views (`npm run replay -- all`)');
    console.log(`result ${JSON.stringify({ ...summary, seconds, peakRssMiB: peakRssMiB() })}`);
    return 0;
  } catch (error) {
    bar.stop();
    if (error instanceof RestoreRefusedError) {
      console.error(`restore refused: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

runCli(main);
