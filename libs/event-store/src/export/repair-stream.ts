/**
 * repairStream: puts a tampered stream's rows back from a verified export, as the owner role.
 *
 * The export is verified in the same pass that picks the stream's events out of it (one
 * stream in memory). Then, in one transaction holding the stream's row lock (appends to it
 * wait): every version the export holds is compared field by field with the stored row and
 * rewritten where it differs or is missing; rows the stream head does not vouch for are
 * removed; the head is put back when it does not verify. The chain is checked before the
 * commit and the repair is recorded in `repairs` in the same transaction, so there is never a
 * repaired stream without its record, nor a record of a repair that did not leave the chain ok.
 *
 * Events appended after the export are kept when the stored head vouches for them (its HMAC
 * verifies and it is at or past the export's head). A stream whose head cannot be trusted and
 * that holds versions beyond the export is refused: only a newer export can repair it.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { canonicalJson, headHmac } from '../postgres/hashing';
import { verifyIntegrity } from '../postgres/integrity';
import type { IntegrityReport, JsonObject } from '../event-store.port';
import type { ExportedEvent, ExportedHead } from './export-format';
import { insertEvents } from './restore-export';
import { verifyExport, type VerifyProgress } from './verify-export';
import type { Pool } from 'pg';

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

export class RepairRefusedError extends Error {
  override readonly name = 'RepairRefusedError';
}

export interface RepairOptions {
  /** Who repairs (recorded); e.g. `owner:<os user>`. */
  actor: string;
  reason?: string;
  /** Compare and report only; nothing is written. */
  dryRun?: boolean;
  onProgress?: (progress: VerifyProgress) => void;
}

export interface RepairRecord {
  repairId: string;
  streamId: string;
  repairedAt: string;
  actor: string;
  exportFile: string;
  exportDigest: string;
  exportUntil: string;
  /** Versions whose rows were rewritten or re-inserted from the export. */
  restoredVersions: number[];
  /** Versions removed: rows the stream head does not vouch for. */
  removedVersions: number[];
  headRestored: boolean;
  reason: string;
}

export interface RepairResult {
  /** False when the stream already matched the export and verified: nothing to do. */
  repaired: boolean;
  record?: RepairRecord;
  /** The stream's integrity after the repair (or as found, when nothing was done). */
  integrity: IntegrityReport;
  dryRun: boolean;
}

interface StoredRow {
  version: number;
  position: string;
  event_id: string;
  type: string;
  schema_version: number;
  data: JsonObject;
  metadata: JsonObject;
  occurred_at: string;
  recorded_at: string;
  previous_hash: string | null;
  hash: string;
}

export async function repairStream(ownerUrl: string, chainKey: string | Buffer, streamId: string, file: string, options: RepairOptions): Promise<RepairResult> {
  const exported: ExportedEvent[] = [];
  let exportedHead: ExportedHead | undefined;
  const verification = await verifyExport(file, chainKey, {
    onProgress: options.onProgress,
    onLine: (line) => {
      if (line.kind === 'event' && line.streamId === streamId) exported.push(line);
      else if (line.kind === 'head' && line.streamId === streamId) exportedHead = line;
    },
  });
  if (!verification.ok || !verification.manifest) {
    throw new RepairRefusedError(`the export does not verify (line ${verification.firstBroken?.line}: ${verification.firstBroken?.reason}); repair only from a verified export`);
  }
  const head: ExportedHead | undefined = exportedHead;
  if (!head) throw new RepairRefusedError(`the export holds no events of ${streamId}`);
  const manifest = verification.manifest;

  const client = new Client({ connectionString: ownerUrl, application_name: 'ordersource-repair' });
  await client.connect();
  try {
    await client.query('BEGIN');
    const headRows = await client.query<{ version: number; head_hash: string | null; head_hmac: string | null }>(
      'SELECT version, head_hash, head_hmac FROM streams WHERE stream_id = $1 FOR UPDATE',
      [streamId],
    );
    const storedHead = headRows.rows[0];
    const storedHeadValid = storedHead !== undefined && storedHead.head_hmac === headHmac(chainKey, streamId, storedHead.version, storedHead.head_hash);
    const trustStoredHead = storedHeadValid && storedHead.version >= head.version;
    const targetVersion = trustStoredHead ? storedHead.version : head.version;

    const { rows } = await client.query<StoredRow>(
      `SELECT version, position::text AS position, event_id::text AS event_id, type, schema_version, data, metadata,
         to_char(occurred_at AT TIME ZONE 'UTC', ${ISO}) AS occurred_at, to_char(recorded_at AT TIME ZONE 'UTC', ${ISO}) AS recorded_at,
         previous_hash, hash
       FROM events WHERE stream_id = $1 ORDER BY version`,
      [streamId],
    );
    const stored = new Map(rows.map((row) => [row.version, row]));
    if (!trustStoredHead && rows.some((row) => row.version > head.version)) {
      throw new RepairRefusedError(
        `${streamId} holds versions after the export's head (${head.version}) and its stored head does not vouch for them: repair it from a newer export`,
      );
    }
    const restore = exported.filter((event) => !sameEvent(stored.get(event.version), event));
    const remove = rows.filter((row) => row.version > targetVersion).map((row) => row.version);
    const headRestored = !trustStoredHead && !sameHead(storedHead, head);
    if (restore.length === 0 && remove.length === 0 && !headRestored) {
      await client.query('ROLLBACK');
      return { repaired: false, integrity: await verifyIntegrity(client as unknown as Pool, chainKey, streamId), dryRun: options.dryRun === true };
    }

    // The only door through the append-only trigger; it closes with the transaction.
    await client.query(`SET LOCAL ordersource.repair = 'on'`);
    const rewrite = [...restore.map((event) => event.version), ...remove];
    if (rewrite.length > 0) await client.query('DELETE FROM events WHERE stream_id = $1 AND version = ANY($2::int[])', [streamId, rewrite]);
    if (restore.length > 0) await insertEvents(client, restore);
    if (headRestored) {
      await client.query(
        `INSERT INTO streams (stream_id, version, head_hash, head_hmac) VALUES ($1, $2, $3, $4)
         ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, head_hash = EXCLUDED.head_hash, head_hmac = EXCLUDED.head_hmac`,
        [streamId, head.version, head.headHash, head.headHmac],
      );
    }
    const integrity = await verifyIntegrity(client as unknown as Pool, chainKey, streamId);
    if (!integrity.ok) {
      throw new RepairRefusedError(`after restoring from the export, ${streamId} still does not verify (version ${integrity.firstBroken?.version}: ${integrity.firstBroken?.reason}); nothing was changed`);
    }
    const record: RepairRecord = {
      repairId: randomUUID(),
      streamId,
      repairedAt: '',
      actor: options.actor,
      exportFile: file,
      exportDigest: manifest.digest,
      exportUntil: manifest.until,
      restoredVersions: restore.map((event) => event.version),
      removedVersions: remove,
      headRestored,
      reason: options.reason ?? 'integrity check found the stream tampered',
    };
    if (options.dryRun) {
      await client.query('ROLLBACK');
      return { repaired: false, record, integrity, dryRun: true };
    }
    const inserted = await client.query<{ repaired_at: string }>(
      `INSERT INTO repairs (repair_id, stream_id, actor, export_file, export_digest, export_until, restored_versions, removed_versions, head_restored, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING to_char(repaired_at AT TIME ZONE 'UTC', ${ISO}) AS repaired_at`,
      [record.repairId, streamId, record.actor, file, record.exportDigest, record.exportUntil, record.restoredVersions, record.removedVersions, headRestored, record.reason],
    );
    await client.query('COMMIT');
    return { repaired: true, record: { ...record, repairedAt: inserted.rows[0].repaired_at }, integrity, dryRun: false };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

function sameEvent(row: StoredRow | undefined, event: ExportedEvent): boolean {
  return (
    row !== undefined &&
    row.position === event.position &&
    row.event_id === event.eventId &&
    row.type === event.type &&
    row.schema_version === event.schemaVersion &&
    row.occurred_at === event.occurredAt &&
    row.recorded_at === event.recordedAt &&
    row.previous_hash === event.previousHash &&
    row.hash === event.hash &&
    canonicalJson(row.data) === canonicalJson(event.data) &&
    canonicalJson(row.metadata) === canonicalJson(event.metadata)
  );
}

function sameHead(stored: { version: number; head_hash: string | null; head_hmac: string | null } | undefined, exported: ExportedHead): boolean {
  return stored !== undefined && stored.version === exported.version && stored.head_hash === exported.headHash && stored.head_hmac === exported.headHmac;
}
