/**
 * The payments view (API.md GET /payments/{orderId}) and its records. Each payment fact is
 * also its own document in `payment-records` (id `<orderId>:<version>`), so GET /payments can
 * page across orders by (at, id) on an index instead of unwinding every order's array. A
 * record is a function of its event and the order's history only, so rewriting it is harmless.
 */
import type { JsonObject, JsonValue, RecordedEvent } from '@ordersource/event-store';
import { dataOf, recordId, sealedField, type Projection, type ProjectionStep } from '../projection';
import { orderIdOf } from '@ordersource/domain';
import type { RecordDocument, ViewDefinition } from '../../store/read-store.port';

export type PaymentRecordKind = 'authorization' | 'failure' | 'capture' | 'refund';

export interface PaymentRecord {
  kind: PaymentRecordKind;
  amount: number | null;
  method: string | null;
  result: 'authorized' | 'failed' | 'captured' | 'refunded';
  /** Sealed envelope (failures and refunds); opened by the query service, never stored open. */
  reason: JsonValue;
  at: string;
}

export interface PaymentsDocument {
  orderId: string;
  currency: string;
  records: PaymentRecord[];
  authorized: number;
  captured: number;
  refunded: number;
  version: number;
}

/** A `payment-records` document: the record plus what a cross-order listing needs. */
export type PaymentRecordDocument = PaymentRecord & { orderId: string; currency: string; version: number };

export const PAYMENT_RECORDS = 'payment-records';

export const paymentsView: ViewDefinition = {
  name: 'payments',
  head: { name: 'payments', fields: {}, indexes: [] },
  records: [
    {
      name: PAYMENT_RECORDS,
      fields: { kind: 'string', at: 'string', orderId: 'string' },
      // GET /payments?kind=&from=&to=: by time, optionally of one kind.
      indexes: [
        { equals: [], sortBy: 'at' },
        { equals: ['kind'], sortBy: 'at' },
      ],
    },
  ],
};

export const paymentsProjection: Projection = {
  name: 'payments',
  view: paymentsView,
  evolve: (head, event) => evolvePayments(head as unknown as PaymentsDocument | null, event),
  // A voided authorization or failure is no longer a payment fact (money movements are never voided).
  voidedRecords: (orderId, voidedVersions) => voidedVersions.map((version) => ({ collection: PAYMENT_RECORDS, id: recordId(orderId, version) })),
};

function evolvePayments(payments: PaymentsDocument | null, event: RecordedEvent): ProjectionStep {
  if (event.type === 'OrderPlaced') {
    const { currency } = dataOf(event, 'OrderPlaced');
    const placed: PaymentsDocument = { orderId: orderIdOf(event.streamId), currency, records: [], authorized: 0, captured: 0, refunded: 0, version: event.version };
    return step(placed, []);
  }
  if (!payments) return { head: null, records: [] };
  const next: PaymentsDocument = { ...payments, version: event.version };
  const method = lastMethod(payments);
  switch (event.type) {
    case 'PaymentAuthorized': {
      const data = dataOf(event, 'PaymentAuthorized');
      return withRecord({ ...next, authorized: data.amount }, event, { kind: 'authorization', amount: data.amount, method: data.method, result: 'authorized', reason: null });
    }
    case 'PaymentFailed': {
      const data = dataOf(event, 'PaymentFailed');
      return withRecord(next, event, { kind: 'failure', amount: null, method: data.method ?? method, result: 'failed', reason: sealedField(data.reason) });
    }
    case 'PaymentCaptured': {
      const { amount } = dataOf(event, 'PaymentCaptured');
      return withRecord({ ...next, captured: payments.captured + amount }, event, { kind: 'capture', amount, method, result: 'captured', reason: null });
    }
    case 'PaymentRefunded': {
      const data = dataOf(event, 'PaymentRefunded');
      return withRecord({ ...next, refunded: payments.refunded + data.amount }, event, {
        kind: 'refund',
        amount: data.amount,
        method,
        result: 'refunded',
        reason: sealedField(data.reason),
      });
    }
    default:
      // Not a payment fact; the version still advances so X-Min-Version works on this view.
      return step(next, []);
  }
}

/** Refunds and captures go back through the method of the last authorization or failure. */
function lastMethod(payments: PaymentsDocument): string | null {
  for (let index = payments.records.length - 1; index >= 0; index -= 1) {
    if (payments.records[index].method) return payments.records[index].method;
  }
  return null;
}

function withRecord(payments: PaymentsDocument, event: RecordedEvent, fields: Omit<PaymentRecord, 'at'>): ProjectionStep {
  const record: PaymentRecord = { ...fields, at: event.occurredAt };
  const document: PaymentRecordDocument = { ...record, orderId: payments.orderId, currency: payments.currency, version: event.version };
  const recordDocument: RecordDocument = { collection: PAYMENT_RECORDS, id: recordId(payments.orderId, event.version), document: document as unknown as JsonObject };
  return step({ ...payments, records: [...payments.records, record] }, [recordDocument]);
}

function step(head: PaymentsDocument, records: RecordDocument[]): ProjectionStep {
  return { head: head as unknown as JsonObject, records };
}
