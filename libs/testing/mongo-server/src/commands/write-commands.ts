import type { Document } from 'bson';
import { asCommandError, MongoCommandError } from '../errors';
import type { Collection } from '../storage/collection';
import { sameDocument } from '../storage/documents';
import { runQuery } from '../storage/query';
import { isOperatorUpdate, updatedDocument, upsertedDocument } from '../update/apply-update';
import { collectionName, type CommandHandler } from './command-context';

/**
 * Runs each statement in turn. Ordered writes stop at the first error; unordered writes try every
 * statement. Either way the reply lists each failure with the index of its statement, and what
 * succeeded stays applied (MongoDB write commands are not transactional).
 */
function runStatements<T>(statements: T[], ordered: boolean, apply: (statement: T, index: number) => void): Document[] {
  const writeErrors: Document[] = [];
  for (const [index, statement] of statements.entries()) {
    try {
      apply(statement, index);
    } catch (error) {
      writeErrors.push(asCommandError(error).toWriteError(index));
      if (ordered) break;
    }
  }
  return writeErrors;
}

function withWriteErrors(reply: Document, writeErrors: Document[]): Document {
  return writeErrors.length > 0 ? { ...reply, writeErrors } : reply;
}

export const insert: CommandHandler = (command, context) => {
  const collection = context.catalog.ensure(context.db, collectionName(command, 'insert'));
  let n = 0;
  const writeErrors = runStatements((command.documents ?? []) as Document[], command.ordered !== false, (document) => {
    collection.insert(document);
    n += 1;
  });
  return withWriteErrors({ n }, writeErrors);
};

interface UpdateStatementDocument {
  q: Document;
  u: Document | Document[];
  upsert?: boolean;
  multi?: boolean;
  arrayFilters?: Document[];
  sort?: Document;
}

export const update: CommandHandler = (command, context) => {
  const name = collectionName(command, 'update');
  // Like mongod, only an upsert that inserts creates the collection; a no-op update does not.
  const existing = () => context.catalog.find(context.db, name);
  const upsertTarget = () => context.catalog.ensure(context.db, name);
  let n = 0;
  let nModified = 0;
  const upserted: Document[] = [];
  const statements = (command.updates ?? []) as UpdateStatementDocument[];
  const writeErrors = runStatements(statements, command.ordered !== false, (statement, index) => {
    const outcome = applyUpdateStatement(existing(), upsertTarget, statement);
    n += outcome.matched + (outcome.upsertedId !== undefined ? 1 : 0);
    nModified += outcome.modified;
    if (outcome.upsertedId !== undefined) upserted.push({ index, _id: outcome.upsertedId });
  });
  const reply: Document = { n, nModified };
  if (upserted.length > 0) reply.upserted = upserted;
  return withWriteErrors(reply, writeErrors);
};

function applyUpdateStatement(
  collection: Collection | undefined,
  upsertTarget: () => Collection,
  statement: UpdateStatementDocument,
) {
  if (statement.multi && !Array.isArray(statement.u) && !isOperatorUpdate(statement.u)) {
    throw new MongoCommandError('FailedToParse', 'multi update is not supported for replacement-style update');
  }
  const updateStatement = { filter: statement.q ?? {}, update: statement.u, arrayFilters: statement.arrayFilters };
  const matches = runQuery(collection?.candidates(statement.q) ?? [], statement.q, { sort: statement.sort, limit: statement.multi ? 0 : 1 });
  if (matches.length === 0 && statement.upsert) {
    const inserted = upsertTarget().insert(upsertedDocument(updateStatement));
    return { matched: 0, modified: 0, upsertedId: inserted._id };
  }
  let modified = 0;
  for (const current of matches) {
    const next = updatedDocument(current, updateStatement);
    if (sameDocument(current, next)) continue;
    collection?.replace(current, next);
    modified += 1;
  }
  return { matched: matches.length, modified, upsertedId: undefined };
}

export const remove: CommandHandler = (command, context) => {
  const collection = context.catalog.find(context.db, collectionName(command, 'delete'));
  let n = 0;
  const statements = (command.deletes ?? []) as { q: Document; limit: number }[];
  const writeErrors = runStatements(statements, command.ordered !== false, (statement) => {
    if (!collection) return;
    const matches = runQuery(collection.candidates(statement.q), statement.q, { limit: statement.limit === 1 ? 1 : 0 });
    for (const document of matches) collection.remove(document);
    n += matches.length;
  });
  return withWriteErrors({ n }, writeErrors);
};
