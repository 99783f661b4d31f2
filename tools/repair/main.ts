/**
 * `npm run repair -- <orderId> --from <file> [--dry-run] [--reason <text>]`: when the integrity
 * check names a tampered stream, puts its rows back from a verified export, as the owner role
 * of DATABASE_URL, records the repair in the `repairs` log (shown by GET /admin/integrity) and
 * leaves the chain ok; refuses when it cannot. Issue 13.
 */
import { userInfo } from 'node:os';
import { RepairRefusedError, repairStream } from '@ordersource/event-store';
import { peakRssMiB, progress, recoveryConfig, requireDatabaseUrl, runCli } from '../export/recovery-cli';

const USAGE = 'usage: npm run repair -- <orderId> --from <file> [--dry-run] [--reason <text>]';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function main(args: string[]): Promise<number> {
  const options = parseArgs(args);
  if (!options) {
    console.error(USAGE);
    return 2;
  }
  const config = recoveryConfig();
  const streamId = `order-${options.orderId.toLowerCase()}`;
  const bar = progress('verify export', 'bytes');
  try {
    const result = await repairStream(requireDatabaseUrl(config), config.chainKey, streamId, options.from, {
      actor: `owner:${userInfo().username}`,
      reason: options.reason,
      dryRun: options.dryRun,
      onProgress: (p) => bar.update(p.bytes, p.totalBytes),
    });
    bar.stop();
    const record = result.record;
    if (!record) console.log(`${options.orderId}: matches the export, nothing to repair (integrity ${result.integrity.ok ? 'ok' : 'BROKEN'})`);
    else {
      const verb = result.dryRun ? 'would restore' : 'restored';
      console.log(`${options.orderId}: ${verb} versions [${record.restoredVersions.join(', ')}], removed [${record.removedVersions.join(', ')}]${record.headRestored ? ', head restored' : ''}; chain ok`);
    }
    console.log(`result ${JSON.stringify({ ...result, peakRssMiB: peakRssMiB() })}`);
    return 0;
  } catch (error) {
    bar.stop();
    if (error instanceof RepairRefusedError) {
      console.error(`repair refused: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function parseArgs(args: string[]): { orderId: string; from: string; dryRun: boolean; reason?: string } | undefined {
  const positional: string[] = [];
  let from: string | undefined;
  let reason: string | undefined;
  let dryRun = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--from') from = args[++i];
    else if (args[i] === '--reason') reason = args[++i];
    else if (args[i] === '--dry-run') dryRun = true;
    else if (args[i].startsWith('--')) return undefined;
    else positional.push(args[i]);
  }
  if (positional.length !== 1 || !UUID.test(positional[0]) || !from || (reason !== undefined && reason.trim() === '')) return undefined;
  return { orderId: positional[0], from, dryRun, reason };
}

runCli(main);
