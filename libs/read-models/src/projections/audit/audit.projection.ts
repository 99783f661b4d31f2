/**
 * The audit view: one document per event in `audit-events` (id: the zero-padded position, so
 * ids sort like positions), for the type+time, order (history) and actor queries. Its head
 * keeps no document, only the per-order version guard. `data` is the event's data as stored,
 * read in its current schema version (the runner upcasts: OrderPlaced v1 gains `channel`):
 * personal fields stay sealed envelopes, so forgetting a customer erases them here too. `hash`
 * is the stored event's; the store, not this view, is where the chain is verified.
 */
import type { JsonObject, RecordedEvent } from '@ordersource/event-store';
import { sortableNumber, type Projection } from '../projection';
import { orderIdOf } from '@ordersource/domain';
import type { ViewDefinition } from '../../store/read-store.port';

export interface AuditEventDocument {
  position: string;
  orderId: string;
  version: number;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actor: string;
  correlationId: string;
  hash: string;
  data: JsonObject;
}

export const AUDIT_EVENTS = 'audit-events';

export const auditView: ViewDefinition = {
  name: 'audit',
  head: { name: 'audit', fields: {}, indexes: [] },
  records: [
    {
      name: AUDIT_EVENTS,
      fields: { type: 'string', orderId: 'string', actor: 'string', recordedAt: 'string', version: 'number' },
      indexes: [
        { equals: [], sortBy: 'recordedAt' },
        { equals: ['type'], sortBy: 'recordedAt' },
        { equals: ['actor'], sortBy: 'recordedAt' },
        // History and time travel: one order's events in version order.
        { equals: ['orderId'], sortBy: 'version' },
      ],
    },
  ],
};

export const auditProjection: Projection = {
  name: 'audit',
  view: auditView,
  evolve: (_head, event) => ({ head: null, records: [{ collection: AUDIT_EVENTS, id: sortableNumber(event.position), document: auditEntry(event) as unknown as JsonObject }] }),
};

export function auditEntry(event: RecordedEvent): AuditEventDocument {
  return {
    position: event.position,
    orderId: orderIdOf(event.streamId),
    version: event.version,
    type: event.type,
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    actor: event.metadata.actor,
    correlationId: event.metadata.correlationId,
    hash: event.hash,
    data: event.data,
  };
}
