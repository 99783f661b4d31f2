/**
 * What every adapter checks the same way before it builds a query: the view, collection and
 * fields must be declared (so no caller-supplied name ever reaches a query as syntax), range
 * bounds must have the field's kind, and cursors are opaque base64url of [sortValue, id].
 */
import type { JsonObject, JsonValue } from '@ordersource/event-store';
import { InvalidQueryError, ViewGenerationError } from './errors';
import type { CollectionDefinition, CollectionQuery, Condition, FieldKind, PageQuery, ViewDefinition } from './read-store.port';

export const MAX_PAGE_LIMIT = 1000;

export function viewByName(views: readonly ViewDefinition[], name: string): ViewDefinition {
  const view = views.find((candidate) => candidate.name === name);
  if (!view) throw new ViewGenerationError(`unknown view "${name}"`);
  return view;
}

export function collectionOf(view: ViewDefinition, name = view.name): CollectionDefinition {
  const collection = name === view.name ? view.head : view.records.find((candidate) => candidate.name === name);
  if (!collection) throw new InvalidQueryError(`view "${view.name}" has no collection "${name}"`);
  return collection;
}

export function fieldKind(collection: CollectionDefinition, field: string): FieldKind {
  const kind = Object.hasOwn(collection.fields, field) ? collection.fields[field] : undefined;
  if (!kind) throw new InvalidQueryError(`"${field}" is not a queryable field of ${collection.name}`);
  return kind;
}

/** A value that no stored field of a declared kind can equal (objects, arrays): matches nothing. */
export function isScalar(value: JsonValue): value is string | number | boolean | null {
  return value === null || typeof value !== 'object';
}

export function checkConditions(collection: CollectionDefinition, where: readonly Condition[] = []): void {
  for (const condition of where) {
    const kind = fieldKind(collection, condition.field);
    if (condition.op === 'in') {
      if (!Array.isArray(condition.values)) throw new InvalidQueryError(`"in" on ${condition.field} needs a list`);
    } else if (condition.op !== 'eq') {
      if (typeof condition.value !== kind) throw new InvalidQueryError(`bound on ${condition.field} must be a ${kind}`);
    }
  }
}

export function checkPage(collection: CollectionDefinition, query: PageQuery): { kind: FieldKind; after: [string | number, string] | null } {
  checkConditions(collection, query.where);
  const kind = fieldKind(collection, query.sortBy);
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_PAGE_LIMIT) {
    throw new InvalidQueryError(`limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`);
  }
  if (query.direction !== 'asc' && query.direction !== 'desc') throw new InvalidQueryError('direction must be asc or desc');
  return { kind, after: query.cursor === undefined ? null : decodeCursor(query.cursor, kind) };
}

export function encodeCursor(sortValue: string | number, id: string): string {
  return Buffer.from(JSON.stringify([sortValue, id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, kind: FieldKind): [string | number, string] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidQueryError('malformed cursor');
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== kind || typeof parsed[1] !== 'string') {
    throw new InvalidQueryError('malformed cursor');
  }
  return [parsed[0] as string | number, parsed[1]];
}

/** Reads a dotted path of a document; undefined when any step is missing. */
export function valueAt(document: unknown, path: string): unknown {
  let value = document;
  for (const step of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

export function checkQueryCollection(views: readonly ViewDefinition[], query: CollectionQuery): { view: ViewDefinition; collection: CollectionDefinition } {
  const view = viewByName(views, query.view);
  return { view, collection: collectionOf(view, query.collection) };
}

/**
 * Whether a stored document meets the conditions, as the adapters' queries decide it (the
 * memory store's filter, and a parked search's look at the orders a batch moved).
 */
export function documentMatches(document: JsonObject, where: readonly Condition[] = []): boolean {
  return where.every((condition) => {
    const value = valueAt(document, condition.field);
    switch (condition.op) {
      case 'eq':
        return isScalar(condition.value) && value === condition.value;
      case 'in':
        return condition.values.some((candidate) => isScalar(candidate) && value === candidate);
      default:
        return typeof value === typeof condition.value && compareValues(value as string | number, condition.value, condition.op);
    }
  });
}

function compareValues(value: string | number, bound: string | number, op: 'gt' | 'gte' | 'lt' | 'lte'): boolean {
  if (op === 'gt') return value > bound;
  if (op === 'gte') return value >= bound;
  if (op === 'lt') return value < bound;
  return value <= bound;
}
