/**
 * The read-store port (issue 6): small, owned by the projection runner (writes) and the query
 * service (reads). Every view is one head document per order (the view the one-order GETs
 * answer, plus the per-order version guard) and optional record collections whose documents are
 * pure functions of one event each (payment records, audit entries), so rewriting one is
 * idempotent. Adapters: ./memory, ./mongo, ./postgres; one contract suite: read-store.contract.ts.
 */
import type { JsonObject, JsonValue } from '@ordersource/event-store';

/** How a queryable field compares: strings bytewise (collation "C"), numbers numerically. */
export type FieldKind = 'string' | 'number';

/** One query shape a collection serves: equality on `equals`, keyset order on `sortBy`, then id. */
export interface IndexDefinition {
  equals: readonly string[];
  sortBy: string;
}

export interface CollectionDefinition {
  /** Logical name, e.g. `order-tracking`, `payment-records`. */
  name: string;
  /**
   * The fields queries may filter or sort on (top-level or dotted paths). Sort fields must be
   * present (non-null) in every document, or keyset pages cannot place it.
   */
  fields: Readonly<Record<string, FieldKind>>;
  indexes: readonly IndexDefinition[];
}

export interface ViewDefinition {
  /** The projection's name (API.md "Projections"); also the head collection's name. */
  name: string;
  head: CollectionDefinition;
  records: readonly CollectionDefinition[];
}

/** A document of a record collection; `id` sorts as the tie-breaker of its keyset pages. */
export interface RecordDocument {
  collection: string;
  id: string;
  document: JsonObject;
}

/** What one order's events did to a view, applied atomically with the version guard. */
export interface OrderChangeSet {
  orderId: string;
  /** The head version the changes were computed from (0: the view has not seen the order). */
  expectedVersion: number;
  /** The version of the last event applied: the guard's new value. */
  version: number;
  /** The head document after the changes; null while the view keeps none (e.g. audit). */
  head: JsonObject | null;
  /** Upserted by id. */
  records: readonly RecordDocument[];
  /** Deleted by id (the records of versions a revert voided); absent ids are no error. */
  deletes?: readonly { collection: string; id: string }[];
}

export interface ApplyResult {
  applied: string[];
  /**
   * Orders whose head was no longer at `expectedVersion`: their head is untouched. Their records
   * may have been rewritten (MongoDB writes them before the head, to survive a crash between the
   * two), which is harmless: a record is a function of its one event, so the content is the same.
   * The same holds for deletes: they are a function of the revert that voids the records.
   */
  conflicts: string[];
}

export interface OrderHead {
  version: number;
  document: JsonObject | null;
}

export type Condition =
  | { field: string; op: 'eq'; value: JsonValue }
  | { field: string; op: 'in'; values: readonly JsonValue[] }
  | { field: string; op: 'gt' | 'gte' | 'lt' | 'lte'; value: string | number };

export interface CollectionQuery {
  view: string;
  /** Default: the view's head collection. */
  collection?: string;
  where?: readonly Condition[];
  /** Default: the active generation. */
  generation?: number;
}

export interface PageQuery extends CollectionQuery {
  sortBy: string;
  direction: 'asc' | 'desc';
  /** 1-1000. */
  limit: number;
  /** Opaque, from a previous page of the same query. */
  cursor?: string;
}

export interface Page {
  items: JsonObject[];
  /** Null when this page reached the end. */
  nextCursor: string | null;
}

export interface GenerationOptions {
  /** Default: the active generation. A rebuild writes to its shadow by number. */
  generation?: number;
}

/** How a writer asks for the heads it will plan a guarded apply from. */
export interface PlanningHeadsOptions extends GenerationOptions {
  /**
   * The store may answer heads this instance applied itself without reading them (issue 18,
   * ./applied-heads.ts): the version guard of the apply that follows refuses any another writer
   * moved since, and the runner re-plans those from a fresh read. Readers never pass it.
   */
  reuseApplied?: boolean;
}

export interface ViewGenerations {
  active: number;
  /** The generation a swap replaced, kept for rollback; null when none. */
  previous: number | null;
  /** Every generation that exists (active, previous and shadows), ascending. */
  all: number[];
}

/**
 * The read store's ports, sized by their users (issue 11); an adapter implements them all
 * (`ReadStore`), and each user is handed only its own.
 */

/** What the query side reads: documents, pages, counts and the heads it waits on. Read-only. */
export interface ViewReader {
  /** The heads of these orders (absent: the view has not seen the order). */
  loadHeads(view: string, orderIds: readonly string[], options?: GenerationOptions): Promise<Map<string, OrderHead>>;
  /** A document by id: the order's head document, or a record. */
  findById(query: CollectionQuery & { id: string }): Promise<JsonObject | null>;
  /** Keyset page ordered by (sortBy, id) in `direction`. */
  findPage(query: PageQuery): Promise<Page>;
  count(query: CollectionQuery): Promise<number>;
}

/** What projections write, under the per-order version guard. */
export interface ViewWriter {
  /** Creates the collections/tables and indexes of every view's active generation if missing. */
  ensureViews(): Promise<void>;
  /** Applies each order's change set atomically, only where the head is at its expected version. */
  applyChanges(view: string, changes: readonly OrderChangeSet[], options?: GenerationOptions): Promise<ApplyResult>;
  /** The heads the guard compares against. */
  loadHeads(view: string, orderIds: readonly string[], options?: PlanningHeadsOptions): Promise<Map<string, OrderHead>>;
}

/** What a rebuild and its status need: the generations of a view. */
export interface ViewGenerationAdmin {
  /** A new, empty generation of the view's collections, with their indexes. */
  createShadow(view: string): Promise<number>;
  /** Makes `generation` active in one step; the active one becomes `previous`. */
  swap(view: string, generation: number): Promise<ViewGenerations>;
  /** Swaps `previous` back in (the swapped-out one becomes `previous`). */
  rollback(view: string): Promise<ViewGenerations>;
  /** Drops a generation other than the active one (dropping `previous` gives up rollback). */
  dropGeneration(view: string, generation: number): Promise<void>;
  generations(view: string): Promise<ViewGenerations>;
}

/** What the process that opened the store needs: is it reachable, and let it go. */
export interface ReadStoreLifecycle {
  /** Resolves when the store answers (readiness); rejects when it is unreachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface ReadStore extends ViewReader, ViewWriter, ViewGenerationAdmin, ReadStoreLifecycle {
  loadHeads(view: string, orderIds: readonly string[], options?: PlanningHeadsOptions): Promise<Map<string, OrderHead>>;
}
