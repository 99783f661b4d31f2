import { EJSON, ObjectId, UUID, type Document } from 'bson';
import { MongoCommandError } from '../errors';
import { sameDocument, withIdFirst } from './documents';
import { CollectionIndex, defaultIndexName, type IndexSpec } from './unique-index';

/**
 * One collection: documents in natural (insertion) order plus its indexes. Every write checks all
 * unique indexes before changing anything, so a rejected write leaves the collection untouched.
 * Stored documents are never mutated in place; updates swap in a new object.
 */
export class Collection {
  readonly uuid = new UUID();
  private readonly indexes = new Map<string, CollectionIndex>();
  /**
   * Documents by `_id`, in natural order (a Map keeps a key's place when its value is replaced,
   * and `_id` never changes), and their insertion order: a filter on `_id` equality or `$in`
   * (what the read stores mostly send) starts from the matching documents instead of every one.
   */
  private readonly byId = new Map<string, Document>();
  private readonly order = new Map<Document, number>();
  private inserted = 0;

  constructor(
    readonly database: string,
    public name: string,
    readonly options: Document = {},
  ) {
    this.indexes.set('_id_', new CollectionIndex({ v: 2, key: { _id: 1 }, name: '_id_' }, this.namespace));
  }

  get namespace(): string {
    return `${this.database}.${this.name}`;
  }

  /** A snapshot of the documents; callers must not mutate the objects. */
  all(): Document[] {
    return [...this.byId.values()];
  }

  /**
   * The documents a filter can match, in natural order: all of them unless the filter pins
   * `_id` to strings or ObjectIds (equality or `$in`). The caller still applies the whole filter.
   */
  candidates(filter: Document | undefined): Document[] {
    const ids = pinnedIds(filter);
    if (!ids) return this.all();
    const found = ids.map((id) => this.byId.get(idKey(id))).filter((document): document is Document => document !== undefined);
    return [...new Set(found)].sort((a, b) => (this.order.get(a) ?? 0) - (this.order.get(b) ?? 0));
  }

  get size(): number {
    return this.byId.size;
  }

  insert(document: Document): Document {
    const stored = withIdFirst(document);
    for (const index of this.indexes.values()) index.assertNoConflict(stored);
    for (const index of this.indexes.values()) index.add(stored);
    this.byId.set(idKey(stored._id), stored);
    this.order.set(stored, this.inserted++);
    return stored;
  }

  replace(current: Document, next: Document): void {
    const key = idKey(current._id);
    if (this.byId.get(key) !== current) throw new Error('replacing a document that is not stored');
    if (idKey(next._id) !== key) throw new Error('replacing a document by one with another _id');
    for (const index of this.indexes.values()) index.assertNoConflict(next, current);
    for (const index of this.indexes.values()) index.remove(current);
    for (const index of this.indexes.values()) index.add(next);
    this.byId.set(key, next);
    this.order.set(next, this.order.get(current) as number);
    this.order.delete(current);
  }

  remove(document: Document): void {
    const key = idKey(document._id);
    if (this.byId.get(key) !== document) return;
    this.byId.delete(key);
    for (const index of this.indexes.values()) index.remove(document);
    this.order.delete(document);
  }

  indexSpecs(): IndexSpec[] {
    return [...this.indexes.values()].map((index) => index.spec);
  }

  /** Creates the index, or does nothing when an identical one exists. Returns whether it was new. */
  createIndex(requested: IndexSpec): boolean {
    const spec: IndexSpec = { v: 2, ...requested, name: requested.name ?? defaultIndexName(requested.key) };
    const sameName = this.indexes.get(spec.name);
    const sameKey = [...this.indexes.values()].find((index) => sameDocument(index.spec.key, spec.key));
    if (sameName && !sameDocument(sameName.spec.key, spec.key)) {
      throw new MongoCommandError(
        'IndexKeySpecsConflict',
        `An existing index has the same name as the requested index. Requested index: ${spec.name}`,
      );
    }
    const existing = sameName ?? sameKey;
    if (existing) {
      const options = (s: IndexSpec) => ({ unique: !!s.unique, sparse: !!s.sparse, p: s.partialFilterExpression ?? null });
      if (existing.spec.name === spec.name && sameDocument(options(existing.spec), options(spec))) return false;
      throw new MongoCommandError(
        'IndexOptionsConflict',
        `Index already exists with a different name or options: ${existing.spec.name}`,
      );
    }
    const index = new CollectionIndex(spec, this.namespace);
    for (const document of this.byId.values()) {
      index.assertNoConflict(document);
      index.add(document);
    }
    this.indexes.set(spec.name, index);
    return true;
  }

  /** Drops by name or by key pattern; `_id_` cannot be dropped. */
  dropIndex(nameOrKey: string | Document): void {
    const index =
      typeof nameOrKey === 'string'
        ? this.indexes.get(nameOrKey)
        : [...this.indexes.values()].find((candidate) => sameDocument(candidate.spec.key, nameOrKey));
    if (!index) {
      const label = typeof nameOrKey === 'string' ? nameOrKey : JSON.stringify(nameOrKey);
      throw new MongoCommandError('IndexNotFound', `index not found with name [${label}]`);
    }
    if (index.spec.name === '_id_') throw new MongoCommandError('InvalidOptions', 'cannot drop _id index');
    this.indexes.delete(index.spec.name);
  }

  dropAllIndexes(): void {
    for (const name of this.indexes.keys()) if (name !== '_id_') this.indexes.delete(name);
  }

  /** Moves the collection to another namespace, keeping documents and indexes. */
  renameTo(database: string, name: string): Collection {
    const moved = new Collection(database, name, this.options);
    for (const spec of this.indexSpecs()) if (spec.name !== '_id_') moved.createIndex(spec);
    for (const document of this.byId.values()) moved.insert(document);
    return moved;
  }
}

function idKey(id: unknown): string {
  // A string _id (every read store's) is keyed as itself; EJSON's form starts with `{`.
  if (typeof id === 'string') return `s:${id}`;
  return id instanceof ObjectId ? `o:${id.toHexString()}` : `j:${EJSON.stringify({ id }, { relaxed: false })}`;
}

/** Ids a filter pins `_id` to, when they are plain strings or ObjectIds; else undefined. */
function pinnedIds(filter: Document | undefined): unknown[] | undefined {
  const id = filter?._id;
  const plain = (value: unknown) => typeof value === 'string' || value instanceof ObjectId;
  if (plain(id)) return [id];
  if (id && typeof id === 'object' && !Array.isArray(id)) {
    const keys = Object.keys(id);
    if (keys.length === 1 && keys[0] === '$eq' && plain((id as Document).$eq)) return [(id as Document).$eq];
    if (keys.length === 1 && keys[0] === '$in' && Array.isArray((id as Document).$in) && ((id as Document).$in as unknown[]).every(plain)) return (id as Document).$in as unknown[];
  }
  return undefined;
}
