import { DEFAULT_CHANNEL } from './values';

/**
 * The order events' upcasters (issue 15): each maps a stored (type, schemaVersion) shape to the
 * next one. The event store's `Upcasting` chains them wherever events are read (its read hook
 * on the command side, the projection runner for every transport and every rebuild), never on
 * the stored bytes: the hash chain covers the stored form, and the topic carries it. Structural on purpose: the domain imports nothing, and the event
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
