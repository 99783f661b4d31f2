/**
 * The read store on MongoDB (driver 7). No multi-document transactions (the test server and a
 * standalone mongod have none), so per-order atomicity rests on the head document: records are
 * upserted first (each a pure function of its event, so a rewrite by a losing or crashed
 * applier is harmless), then the head is replaced with the filter {_id, _v: expected} and
 * upsert — a head that moved makes the upsert collide on _id (E11000), which is the conflict.
 *
 * One pointer read per batch (issue 18): the runner loads an order's heads, then applies what it
 * planned from them, and the apply writes to the generation that load read. A swap happens only
 * while live batches are paused (rebuild/README.md), so it cannot fall between the two; an apply
 * with no load before it (a caller of the port, not the runner) reads the pointer itself.
 * A planning load still reads the pointer, but answers the heads this instance applied itself
 * in that generation without reading them (AppliedHeads, issue 18). The head's filter is the
 * guard that makes this safe; an expected version above 0 must not create a head, so such an
 * upsert that inserted (the head was gone: a wiped store) is taken back and answered a conflict.
 */
import type { JsonObject } from '@ordersource/event-store';
import { MongoBulkWriteError, type AnyBulkWriteOperation, type Db, type Document, type Filter } from 'mongodb';
import { ViewGenerationError } from '../errors';
import { physicalName } from '../physical-names';
import { checkConditions, checkPage, checkQueryCollection, encodeCursor, valueAt, viewByName } from '../query';
import type {
  ApplyResult,
  CollectionQuery,
  GenerationOptions,
  OrderChangeSet,
  OrderHead,
  Page,
  PageQuery,
  PlanningHeadsOptions,
  ReadStore,
  ViewDefinition,
  ViewGenerations,
} from '../read-store.port';
import { AppliedHeads } from '../applied-heads';
import { escapeKeys, fromStored, HEAD_EMPTY, HEAD_VERSION } from './mongo-documents';
import { conditionsFilter, keysetFilter, type StoredDocument } from './mongo-filters';
import { MongoViewPointers } from './mongo-view-pointers';

const DUPLICATE_KEY = 11000;

export class MongoReadStore implements ReadStore {
  private readonly pointers: MongoViewPointers;
  /** Per view, the active generation the last loadHeads read, taken by the apply that follows. */
  private readonly loaded = new Map<string, number>();
  private readonly applied = new AppliedHeads();

  constructor(
    private readonly db: Db,
    private readonly views: readonly ViewDefinition[],
    private readonly closeClient: () => Promise<void> = async () => undefined,
  ) {
    this.pointers = new MongoViewPointers(db);
  }

  async ensureViews(): Promise<void> {
    for (const view of this.views) {
      const pointer = await this.pointers.ensure(view.name);
      await this.createCollections(view, pointer.active);
    }
  }

  async applyChanges(view: string, changes: readonly OrderChangeSet[], options: GenerationOptions = {}): Promise<ApplyResult> {
    const definition = viewByName(this.views, view);
    const generation = options.generation ?? this.takeLoaded(view) ?? (await this.resolve(view));
    const byCollection = new Map<string, AnyBulkWriteOperation<StoredDocument>[]>();
    for (const change of changes) {
      for (const record of change.records) {
        const operations = byCollection.get(record.collection) ?? [];
        const stored = { ...(escapeKeys(record.document) as JsonObject), _id: record.id } as StoredDocument;
        operations.push({ replaceOne: { filter: { _id: record.id }, replacement: stored, upsert: true } });
        byCollection.set(record.collection, operations);
      }
      // Like the upserts, before the head: a delete is a function of the revert that voids the
      // records, so repeating it (a conflict, a crash before the head) is harmless.
      for (const ref of change.deletes ?? []) {
        const operations = byCollection.get(ref.collection) ?? [];
        operations.push({ deleteOne: { filter: { _id: ref.id } } });
        byCollection.set(ref.collection, operations);
      }
    }
    for (const collection of byCollection.keys()) {
      if (!definition.records.some((candidate) => candidate.name === collection)) throw new ViewGenerationError(`view ${view} has no collection ${collection}`);
    }
    try {
      const conflicted = await this.writeChanges(view, generation, changes, byCollection);
      const result: ApplyResult = { applied: [], conflicts: [] };
      changes.forEach((change, index) => (conflicted.has(index) ? result.conflicts : result.applied).push(change.orderId));
      this.applied.record(view, generation, changes, new Set(result.applied));
      return result;
    } catch (error) {
      this.applied.forgetView(view);
      throw error;
    }
  }

  /** Records first, then the heads under the guard; the indexes of the refused change sets. */
  private async writeChanges(view: string, generation: number, changes: readonly OrderChangeSet[], byCollection: Map<string, AnyBulkWriteOperation<StoredDocument>[]>): Promise<Set<number>> {
    for (const [collection, operations] of byCollection) await this.collection(collection, generation).bulkWrite(operations, { ordered: false });
    const heads: AnyBulkWriteOperation<StoredDocument>[] = changes.map((change) => {
      const fields = change.head === null ? { [HEAD_EMPTY]: true } : (escapeKeys(change.head) as JsonObject);
      const replacement = { ...fields, _id: change.orderId, [HEAD_VERSION]: change.version } as StoredDocument;
      return { replaceOne: { filter: { _id: change.orderId, [HEAD_VERSION]: change.expectedVersion }, replacement, upsert: true } };
    });
    const conflicted = new Set<number>();
    if (heads.length === 0) return conflicted;
    const headCollection = this.collection(view, generation);
    let upserted: Record<number, unknown>;
    try {
      upserted = (await headCollection.bulkWrite(heads, { ordered: false })).upsertedIds;
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) throw error;
      const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
      for (const writeError of writeErrors) {
        if (writeError.code !== DUPLICATE_KEY) throw error;
        conflicted.add(writeError.index);
      }
      upserted = error.result.upsertedIds;
    }
    // Created where a head was expected: planned from a head the store no longer has. Taken back
    // (unless another writer moved it on meanwhile) and refused, so the runner re-reads it.
    for (const index of Object.keys(upserted).map(Number)) {
      const change = changes[index];
      if (change.expectedVersion === 0) continue;
      await headCollection.deleteOne({ _id: change.orderId, [HEAD_VERSION]: change.version });
      conflicted.add(index);
    }
    return conflicted;
  }

  async loadHeads(view: string, orderIds: readonly string[], options: PlanningHeadsOptions = {}): Promise<Map<string, OrderHead>> {
    // An unknown view is refused as every other call refuses it, not read as an empty collection.
    viewByName(this.views, view);
    const generation = await this.resolve(view, options.generation);
    if (options.generation === undefined) this.loaded.set(view, generation);
    return this.applied.planningHeads(view, generation, orderIds, options.reuseApplied, (missing) => this.findHeads(view, generation, missing));
  }

  private async findHeads(view: string, generation: number, orderIds: readonly string[]): Promise<Map<string, OrderHead>> {
    const stored = await this.collection(view, generation)
      .find({ _id: { $in: [...orderIds] } })
      .toArray();
    return new Map(stored.map((document) => [document._id, { version: document[HEAD_VERSION] as number, document: document[HEAD_EMPTY] ? null : fromStored(document) }]));
  }

  async findById(query: CollectionQuery & { id: string }): Promise<JsonObject | null> {
    const { view, collection } = checkQueryCollection(this.views, query);
    const generation = await this.resolve(view.name, query.generation);
    const stored = await this.collection(collection.name, generation).findOne({ _id: { $eq: String(query.id) } });
    return stored && !stored[HEAD_EMPTY] ? fromStored(stored) : null;
  }

  async findPage(query: PageQuery): Promise<Page> {
    const { view, collection } = checkQueryCollection(this.views, query);
    const { after } = checkPage(collection, query);
    const generation = await this.resolve(view.name, query.generation);
    const filters: Filter<StoredDocument>[] = [conditionsFilter(query.where)];
    if (collection.name === view.name) filters.push({ [HEAD_EMPTY]: { $ne: true } });
    if (after) filters.push(keysetFilter(query.sortBy, query.direction, after));
    const order = query.direction === 'asc' ? 1 : -1;
    const stored = await this.collection(collection.name, generation)
      .find({ $and: filters })
      .sort({ [query.sortBy]: order, _id: order })
      .limit(query.limit + 1)
      .toArray();
    const items = stored.slice(0, query.limit);
    const last = items[items.length - 1];
    const nextCursor = stored.length > query.limit ? encodeCursor(valueAt(last, query.sortBy) as string | number, last._id) : null;
    return { items: items.map(fromStored), nextCursor };
  }

  async count(query: CollectionQuery): Promise<number> {
    const { view, collection } = checkQueryCollection(this.views, query);
    checkConditions(collection, query.where);
    const generation = await this.resolve(view.name, query.generation);
    const filters: Filter<StoredDocument>[] = [conditionsFilter(query.where)];
    if (collection.name === view.name) filters.push({ [HEAD_EMPTY]: { $ne: true } });
    return this.collection(collection.name, generation).countDocuments({ $and: filters });
  }

  async createShadow(view: string): Promise<number> {
    const definition = viewByName(this.views, view);
    await this.pointers.ensure(view);
    const generation = await this.pointers.allocate(view);
    await this.createCollections(definition, generation);
    return generation;
  }

  async swap(view: string, generation: number): Promise<ViewGenerations> {
    viewByName(this.views, view);
    this.applied.forgetView(view);
    return this.pointers.swap(view, generation);
  }

  async rollback(view: string): Promise<ViewGenerations> {
    viewByName(this.views, view);
    this.applied.forgetView(view);
    return this.pointers.rollback(view);
  }

  async dropGeneration(view: string, generation: number): Promise<void> {
    const definition = viewByName(this.views, view);
    await this.pointers.release(view, generation);
    for (const collection of [definition.head, ...definition.records]) {
      await this.db
        .collection(physicalName(collection.name, generation))
        .drop()
        .catch((error: { code?: number }) => {
          // NamespaceNotFound: nothing was ever written to it.
          if (error.code !== 26) throw error;
        });
    }
  }

  async generations(view: string): Promise<ViewGenerations> {
    viewByName(this.views, view);
    return this.pointers.read(view);
  }

  async ping(): Promise<void> {
    await this.db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.closeClient();
  }

  private async resolve(view: string, generation?: number): Promise<number> {
    if (generation !== undefined) return generation;
    return (await this.pointers.read(view)).active;
  }

  private takeLoaded(view: string): number | undefined {
    const generation = this.loaded.get(view);
    this.loaded.delete(view);
    return generation;
  }

  private collection(name: string, generation: number) {
    return this.db.collection<StoredDocument>(physicalName(name, generation));
  }

  private async createCollections(view: ViewDefinition, generation: number): Promise<void> {
    for (const collection of [view.head, ...view.records]) {
      const indexes = collection.indexes.map((index) => {
        const key: Document = {};
        for (const field of index.equals) key[field] = 1;
        key[index.sortBy] = 1;
        key._id = 1;
        return { key, name: [...index.equals, index.sortBy].join('_') };
      });
      // createIndexes creates the collection too; a head without indexes gets it on first write.
      if (indexes.length > 0) await this.collection(collection.name, generation).createIndexes(indexes);
    }
  }
}
