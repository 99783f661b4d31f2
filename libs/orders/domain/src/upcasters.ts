import { DEFAULT_CHANNEL } from './values';

/**
 * The order events' upcasters (issue 15): each maps a stored (type, schemaVersion) shape to the
 * next one. They run wherever events are read (the event store's read hook, the projection
 * runner for every transport, Kafka consumers), never on the stored bytes: the hash chain
 * covers the stored form. Structural on purpose: the domain imports nothing, and the event
 * store's `Upcaster` port accepts these as they are.
 */
export interface StoredEventShape {
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: object;
}

export interface OrderUpcaster {
  readonly type: string;
  readonly fromSchemaVersion: number;
  upcast<E extends StoredEventShape>(event: E): E;
}

export const orderUpcasters: readonly OrderUpcaster[] = [
  {
    // v2 added `channel` (default web) and `orderNumber` (none for orders placed before numbers).
    type: 'OrderPlaced',
    fromSchemaVersion: 1,
    upcast: (event) => ({ ...event, schemaVersion: 2, data: { ...event.data, channel: DEFAULT_CHANNEL } }),
  },
];

/** The newest schema version of each event type, as every reader sees events after upcasting. */
export function upcastOrderEvent<E extends StoredEventShape>(event: E): E {
  let current = event;
  for (;;) {
    const upcaster = orderUpcasters.find((candidate) => candidate.type === current.type && candidate.fromSchemaVersion === current.schemaVersion);
    if (!upcaster) return current;
    current = upcaster.upcast(current);
  }
}
