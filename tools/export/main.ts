/**
 * `npm run export -- --out <file> [--until <time>]` writes every event recorded up to `--until`
 * (default now) with its chain, the stream heads and a manifest signed with the chain key,
 * streaming (constant memory). `npm run export -- --verify <file>` checks a file offline
 * (chain, heads, digest, signature) and names the first broken event. Issue 13.
 */
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { exportLog, openEventStoreDatabase, verifyExport } from '@ordersource/event-store';
import { personalDataMigrations } from '@ordersource/personal-data';
import { BACKUP_TABLES, peakRssMiB, progress, recoveryConfig, requireDatabaseUrl, runCli } from './recovery-cli';

const USAGE = 'usage: npm run export -- --out <file> [--until <ISO time>]\n       npm run export -- --verify <file>';

async function main(args: string[]): Promise<number> {
  const options = parseArgs(args);
  if (!options) {
    console.error(USAGE);
    return 2;
  }
  const config = recoveryConfig();
  if (options.verify) {
    const bar = progress('verify', 'bytes');
    const verdict = await verifyExport(options.verify, config.chainKey, { onProgress: (p) => bar.update(p.bytes, p.totalBytes) });
    bar.stop();
    if (verdict.ok) {
      console.log(`${options.verify}: ok; ${verdict.events} events in ${verdict.streams} streams up to ${verdict.manifest?.until}, signature valid`);
    } else {
      const broken = verdict.firstBroken;
      const at = broken?.streamId ? ` (stream ${broken.streamId} version ${broken.version}${broken.position ? ` position ${broken.position}` : ''})` : '';
      console.log(`${options.verify}: BROKEN at line ${broken?.line}${at}: ${broken?.reason}`);
    }
    console.log(`result ${JSON.stringify({ ...verdict, peakRssMiB: peakRssMiB() })}`);
    return verdict.ok ? 0 : 1;
  }
  const database = await openEventStoreDatabase({ url: requireDatabaseUrl(config), chainKey: config.chainKey, extraMigrations: personalDataMigrations, poolSize: 1 });
  const out = createWriteStream(options.out as string);
  const bar = progress('export', 'events');
  try {
    const started = Date.now();
    const summary = await exportLog(database.pool, config.chainKey, out, { until: options.until, tables: BACKUP_TABLES, onProgress: (p) => bar.update(p.events, p.total) });
    out.end();
    await finished(out);
    bar.stop();
    const seconds = (Date.now() - started) / 1000;
    const { manifest } = summary;
    console.log(`${options.out}: ${manifest.events} events in ${manifest.streams} streams up to ${manifest.until}, ${summary.bytes} bytes, ${Math.round(manifest.events / seconds)} events/s`);
    console.log(`result ${JSON.stringify({ manifest, bytes: summary.bytes, seconds, peakRssMiB: peakRssMiB() })}`);
    return 0;
  } finally {
    bar.stop();
    out.destroy();
    await database.close();
  }
}

function parseArgs(args: string[]): { out?: string; until?: Date; verify?: string } | undefined {
  const options: { out?: string; until?: Date; verify?: string } = {};
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (value === undefined) return undefined;
    if (flag === '--out') options.out = value;
    else if (flag === '--verify') options.verify = value;
    else if (flag === '--until') {
      const until = new Date(value);
      if (Number.isNaN(until.getTime())) return undefined;
      options.until = until;
    } else return undefined;
  }
  if (options.verify ? options.out !== undefined || options.until !== undefined : options.out === undefined) return undefined;
  return options;
}

runCli(main);
