import type { Document } from 'bson';
import { asCommandError, MongoCommandError } from '../errors';
import { buildInfoReply, helloReply } from '../handshake';
import type { CommandContext, CommandHandler } from './command-context';
import { findAndModify } from './find-and-modify';
import * as namespaces from './namespace-commands';
import * as reads from './read-commands';
import * as writes from './write-commands';

const hello: CommandHandler = (_command, context) => helloReply(context.connectionId);

// Keys are lower-case: MongoDB matches `isMaster`, `ismaster`, `findAndModify`, `findandmodify`.
const handlers: Record<string, CommandHandler> = {
  hello,
  ismaster: hello,
  ping: () => ({}),
  buildinfo: () => buildInfoReply(),
  endsessions: () => ({}),
  insert: writes.insert,
  update: writes.update,
  delete: writes.remove,
  findandmodify: findAndModify,
  find: reads.find,
  getmore: reads.getMore,
  killcursors: reads.killCursors,
  aggregate: reads.aggregate,
  count: reads.count,
  distinct: reads.distinct,
  create: namespaces.create,
  drop: namespaces.drop,
  dropdatabase: namespaces.dropDatabase,
  listcollections: namespaces.listCollections,
  renamecollection: namespaces.renameCollection,
  listdatabases: namespaces.listDatabases,
  createindexes: namespaces.createIndexes,
  listindexes: namespaces.listIndexes,
  dropindexes: namespaces.dropIndexes,
};

/**
 * Runs one command and returns its reply document, `{ok: 1, ...}` or MongoDB's error shape.
 * Commands run synchronously on the event loop, so each is atomic with respect to every other
 * connection: concurrent clients never observe a half-applied command.
 */
export function runCommand(command: Document, context: CommandContext): Document {
  const name = Object.keys(command)[0] ?? '';
  try {
    if (command.txnNumber !== undefined || command.startTransaction !== undefined) {
      throw new MongoCommandError(
        'IllegalOperation',
        'Transaction numbers are only allowed on a replica set member or mongos',
      );
    }
    assertNoCollation(command);
    const handler = handlers[name.toLowerCase()];
    if (!handler) throw new MongoCommandError('CommandNotFound', `no such command: '${name}'`);
    return { ...handler(command, context), ok: 1 };
  } catch (error) {
    return asCommandError(error).toReply();
  }
}

const hasCollation = (document: Document | undefined) => document?.collation !== undefined && (document.collation as Document).locale !== 'simple';

/** Collations change comparisons this double would silently get wrong: refused instead. */
function assertNoCollation(command: Document): void {
  const statements = [...((command.updates ?? []) as Document[]), ...((command.deletes ?? []) as Document[])];
  if (hasCollation(command) || statements.some((statement) => hasCollation(statement))) {
    throw new MongoCommandError('NotImplemented', 'the Mongo test server has no collations');
  }
}
