/**
 * The heads this store instance applied itself, per view and generation (issue 18): a live
 * batch plans from them instead of reading back what this process just wrote. An entry is only
 * a hint, never trusted: the write that follows carries its version as the guard's expected
 * version (and an expected version above 0 never creates a head), so a head another writer moved
 * (a second projector instance, a rollback's catch-up) or that vanished (a wiped store) is
 * refused as a conflict, its entry forgotten, and the runner re-plans it from a fresh read.
 * Versions only grow within a generation and a generation number is never reused, so an entry
 * is at worst behind the store, never ahead of it. Readers (the query side) never see entries.
 *
 * An entry is the applied change set's own head object, handed out by a planning load as it
 * is, uncopied. Nothing writes to it: the only caller that reuses heads, runProjection, passes
 * them to a projection's evolve and to revertedHead, which build new documents ({ ...head }) and
 * leave the given one as it was (projection.ts: a pure fold), and the stores only serialise a
 * change set's head. A planner that changed a head in place would change a remembered head
 * under its version, so such a planner needs a copy made here first.
 */
import type { OrderChangeSet, OrderHead } from './read-store.port';

/**
 * Heads kept per view and generation, the oldest written first out: the orders a live log
 * interleaves at once, and a bound on memory (a head is 0.5-1 KB of JSON, a few KB in memory).
 * Beyond it a planning load simply reads, as it did before.
 */
const DEFAULT_LIMIT = 5_000;

export class AppliedHeads {
  private readonly heads = new Map<string, Map<string, OrderHead>>();

  constructor(private readonly limit = DEFAULT_LIMIT) {}

  /**
   * A planning load's heads in `generation`, the one merge both adapters share: with
   * `reuseApplied`, the remembered ones, and only the rest from `loadMissing`; without, all of
   * them from it. `loadMissing` is not called when nothing is missing. It may answer undefined
   * (it could not read `generation`: the PostgreSQL store's generation moved), and then so does
   * this, for the caller to retry.
   */
  async planningHeads<Loaded extends Map<string, OrderHead> | undefined>(
    view: string,
    generation: number,
    orderIds: readonly string[],
    reuseApplied: boolean | undefined,
    loadMissing: (orderIds: readonly string[]) => Promise<Loaded>,
  ): Promise<Map<string, OrderHead> | Loaded> {
    const { known, unknown } = reuseApplied ? this.lookUp(view, generation, orderIds) : { known: new Map<string, OrderHead>(), unknown: orderIds };
    if (unknown.length === 0) return known;
    const loaded = await loadMissing(unknown);
    if (loaded === undefined || known.size === 0) return loaded;
    for (const [orderId, head] of loaded) known.set(orderId, head);
    return known;
  }

  /** The remembered heads among `orderIds`, and the ids the store must be asked for. */
  private lookUp(view: string, generation: number, orderIds: readonly string[]): { known: Map<string, OrderHead>; unknown: string[] } {
    const heads = this.heads.get(key(view, generation));
    const known = new Map<string, OrderHead>();
    const unknown: string[] = [];
    for (const orderId of orderIds) {
      const head = heads?.get(orderId);
      if (head) known.set(orderId, head);
      else unknown.push(orderId);
    }
    return { known, unknown };
  }

  /** After a write: the applied change sets' heads as they now stand; the refused ones forgotten. */
  record(view: string, generation: number, changes: readonly OrderChangeSet[], applied: ReadonlySet<string>): void {
    const id = key(view, generation);
    const heads = this.heads.get(id) ?? new Map<string, OrderHead>();
    this.heads.set(id, heads);
    for (const change of changes) {
      heads.delete(change.orderId);
      // Re-inserted last, so the oldest written is the first out.
      if (applied.has(change.orderId)) heads.set(change.orderId, { version: change.version, document: change.head });
    }
    for (const orderId of heads.keys()) {
      if (heads.size <= this.limit) break;
      heads.delete(orderId);
    }
  }

  /** Every generation of the view (its active one moved, or a write failed midway). */
  forgetView(view: string): void {
    for (const id of this.heads.keys()) if (id.startsWith(`${view}\u0000`)) this.heads.delete(id);
  }
}

function key(view: string, generation: number): string {
  return `${view}\u0000${generation}`;
}
