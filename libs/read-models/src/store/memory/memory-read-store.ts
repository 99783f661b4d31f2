/**
 * The read store in process memory: for pure specs of the runner and projections (no socket),
 * for time travel, and as the reference the contract suite holds the real adapters to. Documents
 * are deep-copied in and out so callers can never mutate stored state.
 */
import type { JsonObject, JsonValue } from '@ordersource/event-store';
import { ViewGenerationError } from '../errors';
import { checkConditions, checkPage, checkQueryCollection, documentMatches, encodeCursor, valueAt, viewByName } from '../query';
import type {
  ApplyResult,
  CollectionQuery,
  GenerationOptions,
  OrderChangeSet,
  OrderHead,
  Page,
  PageQuery,
  ReadStore,
  ViewDefinition,
  ViewGenerations,
} from '../read-store.port';

interface Generation {
  heads: Map<string, OrderHead>;
  records: Map<string, Map<string, JsonObject>>;
}

interface ViewState {
  pointer: { active: number; previous: number | null };
  generations: Map<number, Generation>;
}

export class MemoryReadStore implements ReadStore {
  private readonly states = new Map<string, ViewState>();

  constructor(private readonly views: readonly ViewDefinition[]) {}

  async ensureViews(): Promise<void> {
    for (const view of this.views) this.state(view.name);
  }

  async applyChanges(view: string, changes: readonly OrderChangeSet[], options: GenerationOptions = {}): Promise<ApplyResult> {
    const generation = this.generation(view, options.generation);
    const result: ApplyResult = { applied: [], conflicts: [] };
    for (const change of changes) {
      if ((generation.heads.get(change.orderId)?.version ?? 0) !== change.expectedVersion) {
        result.conflicts.push(change.orderId);
        continue;
      }
      generation.heads.set(change.orderId, { version: change.version, document: copy(change.head) });
      for (const record of change.records) generation.records.get(record.collection)?.set(record.id, copy(record.document));
      for (const ref of change.deletes ?? []) generation.records.get(ref.collection)?.delete(ref.id);
      result.applied.push(change.orderId);
    }
    return result;
  }

  async loadHeads(view: string, orderIds: readonly string[], options: GenerationOptions = {}): Promise<Map<string, OrderHead>> {
    const generation = this.generation(view, options.generation);
    const heads = new Map<string, OrderHead>();
    for (const orderId of orderIds) {
      const head = generation.heads.get(orderId);
      if (head) heads.set(orderId, { version: head.version, document: copy(head.document) });
    }
    return heads;
  }

  async findById(query: CollectionQuery & { id: string }): Promise<JsonObject | null> {
    const found = this.documents(query).find(([id]) => id === query.id);
    return found ? copy(found[1]) : null;
  }

  async findPage(query: PageQuery): Promise<Page> {
    const { collection } = checkQueryCollection(this.views, query);
    const { after } = checkPage(collection, query);
    const sign = query.direction === 'asc' ? 1 : -1;
    const keyed = this.documents(query)
      .filter(([, document]) => documentMatches(document, query.where))
      .map(([id, document]) => ({ key: [valueAt(document, query.sortBy) as string | number, id] as const, document }))
      .filter(({ key }) => !after || sign * compareKeys(key, after) > 0)
      .sort((a, b) => sign * compareKeys(a.key, b.key));
    const items = keyed.slice(0, query.limit);
    const last = items[items.length - 1];
    const nextCursor = keyed.length > query.limit ? encodeCursor(last.key[0], last.key[1]) : null;
    return { items: items.map(({ document }) => copy(document)), nextCursor };
  }

  async count(query: CollectionQuery): Promise<number> {
    const { collection } = checkQueryCollection(this.views, query);
    checkConditions(collection, query.where);
    return this.documents(query).filter(([, document]) => documentMatches(document, query.where)).length;
  }

  async createShadow(view: string): Promise<number> {
    const state = this.state(view);
    const number = Math.max(...state.generations.keys()) + 1;
    state.generations.set(number, emptyGeneration(viewByName(this.views, view)));
    return number;
  }

  async swap(view: string, generation: number): Promise<ViewGenerations> {
    const state = this.state(view);
    if (!state.generations.has(generation)) throw new ViewGenerationError(`${view} has no generation ${generation}`);
    if (generation === state.pointer.active) throw new ViewGenerationError(`${view} generation ${generation} is already active`);
    state.pointer = { active: generation, previous: state.pointer.active };
    return this.generations(view);
  }

  async rollback(view: string): Promise<ViewGenerations> {
    const state = this.state(view);
    if (state.pointer.previous === null) throw new ViewGenerationError(`${view} has no previous generation to roll back to`);
    return this.swap(view, state.pointer.previous);
  }

  async dropGeneration(view: string, generation: number): Promise<void> {
    const state = this.state(view);
    if (generation === state.pointer.active) throw new ViewGenerationError(`${view} generation ${generation} is active`);
    state.generations.delete(generation);
    if (state.pointer.previous === generation) state.pointer = { ...state.pointer, previous: null };
  }

  async generations(view: string): Promise<ViewGenerations> {
    const state = this.state(view);
    return { ...state.pointer, all: [...state.generations.keys()].sort((a, b) => a - b) };
  }

  /** Memory is always reachable. */
  async ping(): Promise<void> {
    return undefined;
  }

  async close(): Promise<void> {
    this.states.clear();
  }

  private state(view: string): ViewState {
    let state = this.states.get(view);
    if (!state) {
      state = { pointer: { active: 1, previous: null }, generations: new Map([[1, emptyGeneration(viewByName(this.views, view))]]) };
      this.states.set(view, state);
    }
    return state;
  }

  private generation(view: string, number?: number): Generation {
    const state = this.state(view);
    const generation = state.generations.get(number ?? state.pointer.active);
    if (!generation) throw new ViewGenerationError(`${view} has no generation ${number}`);
    return generation;
  }

  private documents(query: CollectionQuery): [string, JsonObject][] {
    const { view, collection } = checkQueryCollection(this.views, query);
    const generation = this.generation(view.name, query.generation);
    if (collection.name !== view.name) return [...(generation.records.get(collection.name) ?? new Map<string, JsonObject>()).entries()];
    return [...generation.heads.entries()].filter((entry): entry is [string, { version: number; document: JsonObject }] => entry[1].document !== null).map(([id, head]) => [id, head.document]);
  }
}

function emptyGeneration(view: ViewDefinition): Generation {
  return { heads: new Map(), records: new Map(view.records.map((collection) => [collection.name, new Map()])) };
}

function compareKeys(a: readonly [string | number, string], b: readonly [string | number, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] === b[1] ? 0 : a[1] < b[1] ? -1 : 1;
}

function copy<T extends JsonValue | null>(value: T): T {
  return value === null ? value : structuredClone(value);
}
