import type { Document } from 'bson';
import { runQuery } from '../storage/query';
import type { CommandContext } from './command-context';
import { runCommand } from './dispatch';

type Statement = Document;

/**
 * The server's `interleave` mode: MongoDB applies a multi-statement write one document at a
 * time, and other connections' operations run in between (an unordered bulk write, a
 * `multi: true` update, two appliers racing). Here a write command with several statements, or
 * one matching several documents, is split into one single-document command per document, each
 * run on its own turn of the event loop; other connections' commands run between them. A
 * document a `multi` statement matched is re-checked against its filter when its turn comes, as
 * MongoDB does. Every other command runs whole, as without the mode.
 */
export async function runInterleaved(command: Document, context: CommandContext): Promise<Document> {
  const name = (Object.keys(command)[0] ?? '').toLowerCase();
  const field = { insert: 'documents', update: 'updates', delete: 'deletes' }[name];
  if (!field || command.txnNumber !== undefined) return runCommand(command, context);
  const collection = command[Object.keys(command)[0]] as string;
  const statements = (command[field] ?? []) as Statement[];
  const ordered = command.ordered !== false;
  const totals: Document = name === 'update' ? { n: 0, nModified: 0 } : { n: 0 };
  const upserted: Document[] = [];
  const writeErrors: Document[] = [];
  for (const [index, statement] of statements.entries()) {
    let failed = false;
    for (const single of perDocument(name, statement, collection, context)) {
      await new Promise((resolve) => setImmediate(resolve));
      const reply = runCommand({ ...command, [field]: [single], ordered: true }, context);
      if (reply.ok !== 1) return reply;
      totals.n += reply.n ?? 0;
      if (name === 'update') totals.nModified += reply.nModified ?? 0;
      for (const entry of (reply.upserted ?? []) as Document[]) upserted.push({ ...entry, index });
      for (const error of (reply.writeErrors ?? []) as Document[]) writeErrors.push({ ...error, index });
      if (reply.writeErrors) {
        failed = true;
        break;
      }
    }
    if (failed && ordered) break;
  }
  const reply: Document = { ...totals, ok: 1 };
  if (upserted.length > 0) reply.upserted = upserted;
  if (writeErrors.length > 0) reply.writeErrors = writeErrors;
  return reply;
}

/** One statement per document it will touch; an insert or single-document statement stays as it is. */
function perDocument(name: string, statement: Statement, collection: string, context: CommandContext): Statement[] {
  const many = (name === 'update' && statement.multi === true) || (name === 'delete' && statement.limit !== 1);
  if (!many) return [statement];
  const existing = context.catalog.find(context.db, collection);
  const ids = runQuery(existing?.candidates(statement.q) ?? [], statement.q ?? {}).map((document) => document._id);
  if (ids.length === 0) return [statement];
  const narrowed = (id: unknown): Document => ({ $and: [statement.q ?? {}, { _id: id }] });
  return ids.map((id) => (name === 'update' ? { ...statement, q: narrowed(id), multi: false, upsert: false } : { ...statement, q: narrowed(id), limit: 1 }));
}
