import type { Tracer } from '@ordersource/platform';
import type { ViewReader } from '@ordersource/read-models';

/**
 * The query's span (issue 15): each read of a view, as a CLIENT span `query <view>` under the
 * request's span, whichever read store (MongoDB or PostgreSQL) answers it. Tracing off: the
 * reader itself, unwrapped.
 */
export function tracedViewReader(reader: ViewReader, tracer: Tracer): ViewReader {
  if (!tracer.enabled) return reader;
  const span = <T>(operation: string, view: string, collection: string | undefined, read: () => Promise<T>) =>
    tracer.inSpan(`query ${view}`, { kind: 'client', attributes: { 'db.operation.name': operation, 'ordersource.view': view, 'db.collection.name': collection ?? view } }, read);
  return {
    loadHeads: (view, orderIds, options) => span('loadHeads', view, undefined, () => reader.loadHeads(view, orderIds, options)),
    findById: (query) => span('findById', query.view, query.collection, () => reader.findById(query)),
    findPage: (query) => span('findPage', query.view, query.collection, () => reader.findPage(query)),
    count: (query) => span('count', query.view, query.collection, () => reader.count(query)),
  };
}
