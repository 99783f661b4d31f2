/**
 * The shipping view (API.md GET /shipments/{orderId}). It exists from OrderPlaced on, with
 * status PENDING, so the view's version guard covers the order before it ships.
 */
import type { JsonObject, RecordedEvent } from '@ordersource/event-store';
import { dataOf, type Projection } from '../projection';
import { orderIdOf } from '@ordersource/domain';
import type { ViewDefinition } from '../../store/read-store.port';
import { withCheckpoint, type RouteEntry } from './route';

export type ShippingStatus = 'PENDING' | 'IN_TRANSIT' | 'OUT_FOR_DELIVERY' | 'EXCEPTION' | 'DELIVERED' | 'CANCELLED';

export interface ShippingDocument {
  orderId: string;
  status: ShippingStatus;
  carrier: string | null;
  trackingNumber: string | null;
  warehouse: string | null;
  dispatchedAt: string | null;
  deliveredAt: string | null;
  route: RouteEntry[];
  version: number;
}

export const shippingView: ViewDefinition = {
  name: 'shipping',
  head: { name: 'shipping', fields: { status: 'string' }, indexes: [] },
  records: [],
};

export const shippingProjection: Projection = {
  name: 'shipping',
  view: shippingView,
  evolve: (head, event) => ({ head: evolveShipping(head as unknown as ShippingDocument | null, event) as unknown as JsonObject | null, records: [] }),
};

function evolveShipping(shipping: ShippingDocument | null, event: RecordedEvent): ShippingDocument | null {
  if (event.type === 'OrderPlaced') {
    return { orderId: orderIdOf(event.streamId), status: 'PENDING', carrier: null, trackingNumber: null, warehouse: null, dispatchedAt: null, deliveredAt: null, route: [], version: event.version };
  }
  if (!shipping) return null;
  const next: ShippingDocument = { ...shipping, version: event.version };
  switch (event.type) {
    case 'ShipmentDispatched': {
      const { carrier, trackingNumber, warehouse } = dataOf(event, 'ShipmentDispatched');
      return { ...next, status: 'IN_TRANSIT', carrier, trackingNumber, warehouse, dispatchedAt: event.occurredAt };
    }
    case 'ShipmentCheckpointRecorded': {
      const { location, kind, occurredAt: at } = dataOf(event, 'ShipmentCheckpointRecorded');
      const route = withCheckpoint(shipping.route, { location, kind, at });
      return { ...next, route, status: shipping.status === 'DELIVERED' ? 'DELIVERED' : statusAfter(route[route.length - 1].kind) };
    }
    case 'OrderDelivered':
      return { ...next, status: 'DELIVERED', deliveredAt: event.occurredAt };
    case 'OrderCancelled':
      return { ...next, status: 'CANCELLED' };
    default:
      return next;
  }
}

/** The shipment's status follows its latest checkpoint by time, not the latest recorded. */
function statusAfter(kind: string): ShippingStatus {
  if (kind === 'out_for_delivery') return 'OUT_FOR_DELIVERY';
  if (kind === 'exception') return 'EXCEPTION';
  return 'IN_TRANSIT';
}
