import type { Document } from 'bson';
import { find } from 'mingo';
import { asCommandError } from '../errors';

export interface QueryOptions {
  sort?: Document;
  skip?: number;
  /** 0 or absent: no limit. */
  limit?: number;
  projection?: Document;
}

/** The documents matching `filter`, with mingo's query, sort and projection semantics. */
export function runQuery(documents: Document[], filter: Document = {}, options: QueryOptions = {}): Document[] {
  try {
    const projection = options.projection && Object.keys(options.projection).length > 0 ? options.projection : undefined;
    let cursor = find(documents, filter, projection);
    if (options.sort && Object.keys(options.sort).length > 0) cursor = cursor.sort(options.sort as Record<string, 1 | -1>);
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(Math.abs(options.limit));
    return cursor.all() as Document[];
  } catch (error) {
    throw asCommandError(error);
  }
}
