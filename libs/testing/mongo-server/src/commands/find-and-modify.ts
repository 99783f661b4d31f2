import type { Document } from 'bson';
import { MongoCommandError } from '../errors';
import { sameDocument } from '../storage/documents';
import { runQuery } from '../storage/query';
import { updatedDocument, upsertedDocument } from '../update/apply-update';
import { collectionName, type CommandHandler } from './command-context';

/**
 * findOneAndUpdate / findOneAndReplace / findOneAndDelete. The reply's `value` is the document
 * before the change, or after it with `new: true`; `lastErrorObject` says what happened.
 */
export const findAndModify: CommandHandler = (command, context) => {
  const name = collectionName(command, Object.keys(command)[0]);
  const filter = (command.query ?? {}) as Document;
  const projection = command.fields as Document | undefined;
  if (command.remove && command.update) {
    throw new MongoCommandError('FailedToParse', 'Cannot specify both an update and remove=true');
  }
  if (!command.remove && command.update === undefined) {
    throw new MongoCommandError('FailedToParse', 'Either an update or remove=true must be specified');
  }
  const collection = context.catalog.find(context.db, name);
  const [current] = collection ? runQuery(collection.candidates(filter), filter, { sort: command.sort, limit: 1 }) : [];
  const project = (document: Document | undefined) =>
    document && projection ? (runQuery([document], {}, { projection })[0] ?? null) : (document ?? null);

  if (command.remove) {
    if (current) collection?.remove(current);
    return { lastErrorObject: { n: current ? 1 : 0 }, value: project(current) };
  }
  const statement = { filter, update: command.update as Document, arrayFilters: command.arrayFilters as Document[] | undefined };
  if (!current) {
    if (!command.upsert) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null };
    const inserted = context.catalog.ensure(context.db, name).insert(upsertedDocument(statement));
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: inserted._id },
      value: command.new ? project(inserted) : null,
    };
  }
  const next = updatedDocument(current, statement);
  if (!sameDocument(current, next)) collection?.replace(current, next);
  return { lastErrorObject: { n: 1, updatedExisting: true }, value: project(command.new ? next : current) };
};
