import { calculateObjectSize, Long, type Document } from 'bson';
import { MongoCommandError } from '../errors';

// mongod's defaults: a first batch of 101 documents, and no batch over 16 MiB.
const DEFAULT_FIRST_BATCH = 101;
const MAX_BATCH_BYTES = 16 * 1024 * 1024;

interface OpenCursor {
  namespace: string;
  remaining: Document[];
}

/**
 * Server-side cursors. Results are computed in full when the cursor opens (a snapshot), then
 * handed out in batches by `getMore`, which is enough for the driver's paging logic.
 */
export class CursorRegistry {
  private readonly open = new Map<number, OpenCursor>();
  private nextId = 1;

  /** The `cursor` field of a find/aggregate/list reply; registers a cursor if results remain. */
  firstBatch(namespace: string, results: Document[], batchSize?: number, singleBatch = false): Document {
    const size = batchSize === undefined ? DEFAULT_FIRST_BATCH : batchSize;
    // batchSize 0 opens the cursor without returning documents (the driver's "establish" case).
    const { batch, rest } = size === 0 ? { batch: [], rest: results } : takeBatch(results, size);
    let id = 0;
    if (rest.length > 0 && !singleBatch) {
      id = this.nextId++;
      this.open.set(id, { namespace, remaining: rest });
    }
    return { id: Long.fromNumber(id), ns: namespace, firstBatch: batch };
  }

  getMore(id: number, namespace: string, batchSize?: number): Document {
    const cursor = this.open.get(id);
    if (!cursor || cursor.namespace !== namespace) {
      throw new MongoCommandError('CursorNotFound', `cursor id ${id} not found`);
    }
    const { batch, rest } = takeBatch(cursor.remaining, batchSize ?? 0);
    cursor.remaining = rest;
    if (rest.length === 0) this.open.delete(id);
    return { id: Long.fromNumber(rest.length === 0 ? 0 : id), ns: namespace, nextBatch: batch };
  }

  /** Returns the ids that were open (and are now closed). */
  kill(ids: number[]): { killed: number[]; notFound: number[] } {
    const killed = ids.filter((id) => this.open.delete(id));
    return { killed, notFound: ids.filter((id) => !killed.includes(id)) };
  }
}

/** Up to `size` documents (0 means unbounded), always at least one, within the batch byte limit. */
function takeBatch(results: Document[], size: number): { batch: Document[]; rest: Document[] } {
  const limit = size > 0 ? Math.min(size, results.length) : results.length;
  let bytes = 0;
  let count = 0;
  while (count < limit) {
    bytes += calculateObjectSize(results[count]);
    if (bytes > MAX_BATCH_BYTES && count > 0) break;
    count += 1;
  }
  return { batch: results.slice(0, count), rest: results.slice(count) };
}
