/**
 * The one owner of order stream names (issue 11): an order's events live in the stream
 * `order-<orderId>`, and the order of an event is read back from its stream id here only.
 */
const STREAM_PREFIX = 'order-';

export function orderStreamId(orderId: string): string {
  return `${STREAM_PREFIX}${orderId}`;
}

/** The order a stream belongs to; a stream that is not an order's is a bug, not data. */
export function orderIdOf(streamId: string): string {
  if (!streamId.startsWith(STREAM_PREFIX)) throw new TypeError(`not an order stream: ${streamId}`);
  return streamId.slice(STREAM_PREFIX.length);
}
