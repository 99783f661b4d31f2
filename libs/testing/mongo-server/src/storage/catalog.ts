import type { Document } from 'bson';
import { MongoCommandError } from '../errors';
import { Collection } from './collection';

/**
 * Databases and their collections. A database exists while it holds a collection, as in MongoDB;
 * collections are created implicitly by the first write or index.
 */
export class Catalog {
  private readonly databases = new Map<string, Map<string, Collection>>();

  find(database: string, name: string): Collection | undefined {
    return this.databases.get(database)?.get(name);
  }

  /** The collection, or a NamespaceNotFound error naming it. */
  get(database: string, name: string): Collection {
    const collection = this.find(database, name);
    if (!collection) throw new MongoCommandError('NamespaceNotFound', `ns does not exist: ${database}.${name}`);
    return collection;
  }

  /** The collection, creating it implicitly (as writes do). */
  ensure(database: string, name: string): Collection {
    return this.find(database, name) ?? this.create(database, name);
  }

  create(database: string, name: string, options: Document = {}): Collection {
    assertValidName(database, name);
    if (this.find(database, name)) {
      throw new MongoCommandError('NamespaceExists', `Collection ${database}.${name} already exists.`);
    }
    let collections = this.databases.get(database);
    if (!collections) this.databases.set(database, (collections = new Map()));
    const collection = new Collection(database, name, options);
    collections.set(name, collection);
    return collection;
  }

  collections(database: string): Collection[] {
    return [...(this.databases.get(database)?.values() ?? [])];
  }

  databaseNames(): string[] {
    return [...this.databases.keys()];
  }

  drop(database: string, name: string): void {
    const collections = this.databases.get(database);
    if (!collections?.delete(name)) {
      throw new MongoCommandError('NamespaceNotFound', `ns not found: ${database}.${name}`);
    }
    if (collections.size === 0) this.databases.delete(database);
  }

  dropDatabase(database: string): void {
    this.databases.delete(database);
  }

  /**
   * Renames in one synchronous step, so no command ever sees the target missing: readers observe
   * either the old target or the renamed source (the projection rebuild swaps shadows this way).
   */
  rename(from: Namespace, to: Namespace, dropTarget: boolean): void {
    const source = this.get(from.database, from.name);
    assertValidName(to.database, to.name);
    if (from.database === to.database && from.name === to.name) {
      throw new MongoCommandError('IllegalOperation', "Can't rename a collection to itself");
    }
    if (this.find(to.database, to.name)) {
      if (!dropTarget) throw new MongoCommandError('NamespaceExists', 'target namespace exists');
    }
    const moved = source.renameTo(to.database, to.name);
    this.drop(from.database, from.name);
    let collections = this.databases.get(to.database);
    if (!collections) this.databases.set(to.database, (collections = new Map()));
    collections.set(to.name, moved);
  }
}

export interface Namespace {
  database: string;
  name: string;
}

export function parseNamespace(namespace: string): Namespace {
  const dot = namespace.indexOf('.');
  if (dot <= 0 || dot === namespace.length - 1) {
    throw new MongoCommandError('InvalidNamespace', `Invalid namespace specified '${namespace}'`);
  }
  return { database: namespace.slice(0, dot), name: namespace.slice(dot + 1) };
}

function assertValidName(database: string, name: string): void {
  if (!database || /[/\\. "$]/.test(database) || !name || name.includes('$') || name.startsWith('.')) {
    throw new MongoCommandError('InvalidNamespace', `Invalid namespace specified '${database}.${name}'`);
  }
}
