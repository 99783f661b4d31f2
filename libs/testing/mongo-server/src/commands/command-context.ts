import type { Document } from 'bson';
import { MongoCommandError } from '../errors';
import type { Catalog } from '../storage/catalog';
import type { CursorRegistry } from '../storage/cursors';

/** What a command handler sees: the request's database and the server's shared state. */
export interface CommandContext {
  db: string;
  catalog: Catalog;
  cursors: CursorRegistry;
  connectionId: number;
}

/** A handler returns the reply without `ok`; errors are thrown as `MongoCommandError`. */
export type CommandHandler = (command: Document, context: CommandContext) => Document;

/** The collection name a command names in its first field (`{find: "orders"}`). */
export function collectionName(command: Document, field: string): string {
  const name = command[field];
  if (typeof name !== 'string' || name.length === 0) {
    throw new MongoCommandError('InvalidNamespace', `collection name must be a non-empty string in '${field}'`);
  }
  return name;
}
