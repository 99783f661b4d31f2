import type { Document } from 'bson';
import { MongoCommandError } from '../errors';
import { parseNamespace } from '../storage/catalog';
import { runQuery } from '../storage/query';
import type { IndexSpec } from '../storage/unique-index';
import { collectionName, type CommandHandler } from './command-context';

export const create: CommandHandler = (command, context) => {
  const name = collectionName(command, 'create');
  // Keep only the collection's own options (capped, validator...), not the command's envelope.
  const envelope = new Set(['create', 'lsid', 'writeConcern', 'comment']);
  const options = Object.fromEntries(Object.entries(command).filter(([key]) => !envelope.has(key) && !key.startsWith('$')));
  context.catalog.create(context.db, name, options);
  return {};
};

export const drop: CommandHandler = (command, context) => {
  const name = collectionName(command, 'drop');
  const nIndexesWas = context.catalog.get(context.db, name).indexSpecs().length;
  context.catalog.drop(context.db, name);
  return { ns: `${context.db}.${name}`, nIndexesWas };
};

export const dropDatabase: CommandHandler = (_command, context) => {
  context.catalog.dropDatabase(context.db);
  return { dropped: context.db };
};

export const listCollections: CommandHandler = (command, context) => {
  const entries = context.catalog.collections(context.db).map((collection) =>
    command.nameOnly
      ? { name: collection.name, type: 'collection' }
      : {
          name: collection.name,
          type: 'collection',
          options: collection.options,
          info: { readOnly: false, uuid: collection.uuid },
          idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
        },
  );
  const matching = runQuery(entries, command.filter);
  const batchSize = (command.cursor as Document | undefined)?.batchSize as number | undefined;
  return { cursor: context.cursors.firstBatch(`${context.db}.$cmd.listCollections`, matching, batchSize) };
};

/** An admin command: `{renameCollection: "db.from", to: "db.to", dropTarget}`. */
export const renameCollection: CommandHandler = (command, context) => {
  const from = parseNamespace(String(command.renameCollection));
  const to = parseNamespace(String(command.to));
  context.catalog.rename(from, to, command.dropTarget === true);
  return {};
};

export const listDatabases: CommandHandler = (command, context) => {
  const databases = context.catalog.databaseNames().map((name) => {
    const documents = context.catalog.collections(name).reduce((sum, collection) => sum + collection.size, 0);
    return command.nameOnly ? { name } : { name, sizeOnDisk: documents * 100, empty: documents === 0 };
  });
  const matching = runQuery(databases, command.filter);
  return command.nameOnly
    ? { databases: matching }
    : { databases: matching, totalSize: matching.reduce((sum, db) => sum + Number(db.sizeOnDisk), 0) };
};

export const createIndexes: CommandHandler = (command, context) => {
  const name = collectionName(command, 'createIndexes');
  const existed = context.catalog.find(context.db, name) !== undefined;
  const collection = context.catalog.ensure(context.db, name);
  const before = collection.indexSpecs().length;
  const specs = (command.indexes ?? []) as IndexSpec[];
  for (const spec of specs) {
    if (!spec.key || Object.keys(spec.key).length === 0) {
      throw new MongoCommandError('FailedToParse', "The 'key' field is a required property of an index specification");
    }
    assertIndexSupported(spec as IndexSpec & Document);
  }
  for (const spec of specs) collection.createIndex(spec);
  return {
    createdCollectionAutomatically: !existed,
    numIndexesBefore: before,
    numIndexesAfter: collection.indexSpecs().length,
  };
};

export const listIndexes: CommandHandler = (command, context) => {
  const name = collectionName(command, 'listIndexes');
  const specs = context.catalog.get(context.db, name).indexSpecs();
  const batchSize = (command.cursor as Document | undefined)?.batchSize as number | undefined;
  return { cursor: context.cursors.firstBatch(`${context.db}.${name}`, specs, batchSize) };
};

/** `index` is a name, a key pattern, a list of names, or "*" for every index but `_id_`. */
export const dropIndexes: CommandHandler = (command, context) => {
  const name = collectionName(command, 'dropIndexes');
  const collection = context.catalog.get(context.db, name);
  const nIndexesWas = collection.indexSpecs().length;
  const target = command.index as string | string[] | Document;
  if (target === '*') collection.dropAllIndexes();
  else if (Array.isArray(target)) for (const indexName of target) collection.dropIndex(indexName);
  else collection.dropIndex(target);
  return { nIndexesWas };
};

const UNSUPPORTED_INDEX_TYPES = new Set(['text', '2d', '2dsphere', 'geoHaystack']);

/**
 * Key values MongoDB refuses (CannotCreateIndex), and indexes whose behaviour this double does
 * not have (NotImplemented rather than an index that silently does nothing): text and geo
 * indexes, TTL expiry, collations.
 */
function assertIndexSupported(spec: IndexSpec & Document): void {
  for (const [field, value] of Object.entries(spec.key)) {
    if (typeof value === 'number') {
      if (value === 0 || Number.isNaN(value)) throw new MongoCommandError('CannotCreateIndex', "Values in the index key pattern can't be 0.");
      continue;
    }
    if (typeof value === 'string') {
      if (UNSUPPORTED_INDEX_TYPES.has(value)) throw new MongoCommandError('NotImplemented', `the Mongo test server has no '${value}' indexes (field ${field})`);
      if (value !== 'hashed') throw new MongoCommandError('CannotCreateIndex', `Unknown index plugin '${value}'`);
      continue;
    }
    throw new MongoCommandError('CannotCreateIndex', `Values in v:2 index key pattern cannot be of type ${value === null ? 'null' : typeof value}. Only numbers > 0, numbers < 0, and strings are allowed.`);
  }
  if (spec.expireAfterSeconds !== undefined) throw new MongoCommandError('NotImplemented', 'the Mongo test server does not expire documents (TTL index)');
  if (spec.collation !== undefined) throw new MongoCommandError('NotImplemented', 'the Mongo test server has no collations');
}
