import type { Document } from 'bson';
import { aggregate as runPipeline } from 'mingo';
import { asCommandError, MongoCommandError } from '../errors';
import { cloneDocument, valueAtPath, valueKey } from '../storage/documents';
import { pipelineForMingo, QUERY_CONTEXT, runQuery } from '../storage/query';
import { collectionName, type CommandContext, type CommandHandler } from './command-context';

function documentsOf(context: CommandContext, name: string, filter?: Document): Document[] {
  return context.catalog.find(context.db, name)?.candidates(filter) ?? [];
}

// mingo's $set/$addFields write dotted paths into the input documents' nested objects, so a
// pipeline gets copies rather than the stored documents.
function copiesOf(context: CommandContext, name: string): Document[] {
  return documentsOf(context, name).map(cloneDocument);
}

export const find: CommandHandler = (command, context) => {
  const name = collectionName(command, 'find');
  const limit = Number(command.limit ?? 0);
  const results = runQuery(documentsOf(context, name, command.filter), command.filter, {
    sort: command.sort,
    skip: Number(command.skip ?? 0),
    limit,
    projection: command.projection,
  });
  const singleBatch = command.singleBatch === true || limit < 0;
  return { cursor: context.cursors.firstBatch(`${context.db}.${name}`, results, command.batchSize, singleBatch) };
};

export const getMore: CommandHandler = (command, context) => {
  const namespace = `${context.db}.${collectionName(command, 'collection')}`;
  return { cursor: context.cursors.getMore(Number(command.getMore), namespace, command.batchSize) };
};

export const killCursors: CommandHandler = (command, context) => {
  const { killed, notFound } = context.cursors.kill(((command.cursors ?? []) as unknown[]).map(Number));
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [] };
};

// Writing stages would need mingo to write into this server's storage; no caller needs them yet.
const UNSUPPORTED_STAGES = ['$out', '$merge', '$changeStream', '$currentOp', '$collStats', '$indexStats'];

export const aggregate: CommandHandler = (command, context) => {
  const pipeline = (command.pipeline ?? []) as Document[];
  const stage = pipeline.map((step) => Object.keys(step)[0]).find((key) => UNSUPPORTED_STAGES.includes(key));
  if (stage) throw new MongoCommandError('IllegalOperation', `${stage} is not supported by the in-memory test server`);
  const name = typeof command.aggregate === 'string' ? command.aggregate : '$cmd.aggregate';
  const source = typeof command.aggregate === 'string' ? copiesOf(context, name) : [];
  let results: Document[];
  try {
    results = runPipeline(source, pipelineForMingo(pipeline), {
      context: QUERY_CONTEXT,
      collectionResolver: (from: string) => copiesOf(context, from),
    }) as Document[];
  } catch (error) {
    throw asCommandError(error);
  }
  const batchSize = (command.cursor as Document | undefined)?.batchSize as number | undefined;
  return { cursor: context.cursors.firstBatch(`${context.db}.${name}`, results, batchSize) };
};

export const count: CommandHandler = (command, context) => {
  const name = collectionName(command, 'count');
  const matches = runQuery(documentsOf(context, name, command.query), command.query, {
    skip: Number(command.skip ?? 0),
    limit: Number(command.limit ?? 0),
  });
  return { n: matches.length };
};

/** Distinct values of `key`, with array values contributing each element, as in MongoDB. */
export const distinct: CommandHandler = (command, context) => {
  const name = collectionName(command, 'distinct');
  const key = String(command.key);
  const seen = new Map<string, unknown>();
  for (const document of runQuery(documentsOf(context, name, command.query), command.query)) {
    const value = valueAtPath(document, key);
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      seen.set(valueKey(item), item);
    }
  }
  return { values: [...seen.values()] };
};
