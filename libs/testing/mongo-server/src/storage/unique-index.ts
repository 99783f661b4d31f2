import type { Document } from 'bson';
import { Query } from 'mingo';
import { MongoCommandError } from '../errors';
import { renderValue, valueAtPath, valueKey } from './documents';

/** An index as `listIndexes` reports it and `createIndexes` receives it. */
export interface IndexSpec extends Document {
  v?: number;
  key: Document;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Document;
}

/**
 * An index as far as this double needs one: queries scan every document, so only the uniqueness
 * constraint is enforced. Non-unique indexes are kept for `listIndexes` and conflict checks only.
 */
export class CollectionIndex {
  private readonly owners = new Map<string, Document>();
  private readonly fields: string[];
  private readonly partialFilter?: Query;

  constructor(
    readonly spec: IndexSpec,
    private readonly namespace: string,
  ) {
    this.fields = Object.keys(spec.key);
    if (spec.partialFilterExpression) this.partialFilter = new Query(spec.partialFilterExpression);
  }

  get enforcesUniqueness(): boolean {
    return this.spec.unique === true || this.spec.name === '_id_';
  }

  /** The document already holding one of `document`'s keys, other than `replacing`. */
  findConflict(document: Document, replacing?: Document): Document | undefined {
    if (!this.enforcesUniqueness) return undefined;
    for (const key of this.keysOf(document)) {
      const owner = this.owners.get(key);
      if (owner && owner !== replacing) return owner;
    }
    return undefined;
  }

  assertNoConflict(document: Document, replacing?: Document): void {
    if (this.findConflict(document, replacing)) throw this.duplicateKeyError(document);
  }

  add(document: Document): void {
    if (!this.enforcesUniqueness) return;
    for (const key of this.keysOf(document)) this.owners.set(key, document);
  }

  remove(document: Document): void {
    if (!this.enforcesUniqueness) return;
    for (const key of this.keysOf(document)) {
      if (this.owners.get(key) === document) this.owners.delete(key);
    }
  }

  duplicateKeyError(document: Document): MongoCommandError {
    const keyValue: Document = {};
    for (const field of this.fields) keyValue[field] = valueAtPath(document, field) ?? null;
    return new MongoCommandError(
      'DuplicateKey',
      `E11000 duplicate key error collection: ${this.namespace} index: ${this.spec.name} dup key: ${renderValue(keyValue)}`,
      { keyPattern: this.spec.key, keyValue },
    );
  }

  /**
   * Every key the document contributes. Missing fields index as null (so two documents without
   * the field collide, as in MongoDB); an array field contributes one key per element (multikey).
   */
  private keysOf(document: Document): string[] {
    // One field holding one value (every `_id`): its one key, without building combinations.
    if (this.fields.length === 1 && !this.spec.sparse && !this.partialFilter) {
      const value = valueAtPath(document, this.fields[0]);
      if (!Array.isArray(value)) return [valueKey([value ?? null])];
    }
    const values = this.fields.map((field) => valueAtPath(document, field));
    if (this.spec.sparse && values.every((value) => value === undefined)) return [];
    if (this.partialFilter && !this.partialFilter.test(document)) return [];
    let combinations: unknown[][] = [[]];
    for (const value of values) {
      const choices = Array.isArray(value) && value.length > 0 ? [...value] : [value ?? null];
      combinations = combinations.flatMap((prefix) => choices.map((choice) => [...prefix, choice]));
    }
    const keys = combinations.map((combination) => valueKey(combination));
    return [...new Set(keys)];
  }
}

export function defaultIndexName(key: Document): string {
  return Object.entries(key)
    .map(([field, direction]) => `${field}_${direction}`)
    .join('_');
}
