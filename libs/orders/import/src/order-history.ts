import { DEFAULT_CHANNEL, DomainError, decide, evolve, initialState, maxFutureSkewMs, type OrderCommand, type OrderEvent, type OrderState } from '@ordersource/domain';
import { isIsoMillis } from '@ordersource/event-store';
import type { ImportLine, ImportStep } from './import-line';
import { LineRejection } from './import-line';

export interface HistoryContext {
  orderId: string;
  /** Key subject of whoever runs the import; the decider's actor. */
  actor: string;
  correlationId: string;
  /** The import run; each event's causation. */
  importId: string;
  /** The real time of the run: no step may lie after it (plus the usual clock skew). */
  now: Date;
  /** Drawn in the `placedAt` year (order-importer.ts). */
  orderNumber: string;
}

/**
 * The events of one imported order: PlaceOrder at `placedAt`, then each step as its command at
 * its own time, all through the pure decider, exactly as the command routes would have decided
 * them. Pure; throws LineRejection with the decider's rule on the first illegal step.
 */
export function decideHistory(line: ImportLine, context: HistoryContext): OrderEvent[] {
  const latest = context.now.getTime() + maxFutureSkewMs;
  const events: OrderEvent[] = [];
  let state: OrderState = initialState;
  let previousAt = '';
  let previousTime = Number.NEGATIVE_INFINITY;
  // Each time is parsed once; `where` is spelled only for a rejection.
  const placedTime = Date.parse(line.placedAt);
  const commands: { at: string; time: number; step: number; command: OrderCommand }[] = [
    {
      at: line.placedAt,
      time: placedTime,
      step: -1,
      command: {
        type: 'PlaceOrder',
        data: {
          customerId: line.customerId,
          currency: line.currency,
          items: line.items,
          shippingAddress: line.shippingAddress,
          channel: line.channel ?? DEFAULT_CHANNEL,
          orderNumber: context.orderNumber,
        },
        metadata: metadataAt(line.placedAt, placedTime, context),
      },
    },
    ...line.steps.map((step, index) => {
      const time = Date.parse(step.at);
      return { at: step.at, time, step: index, command: toCommand(step, metadataAt(step.at, time, context)) };
    }),
  ];
  for (const { at, time, step, command } of commands) {
    if (time > latest) throw new LineRejection('occurred-at-in-future', `${whereOf(step)}: ${at} lies after the time of the import.`);
    if (time < previousTime) {
      throw new LineRejection('step-out-of-order', `${whereOf(step)}: ${at} lies before the step before it (${previousAt}); steps are listed in the order they happened.`);
    }
    previousAt = at;
    previousTime = time;
    let decided: OrderEvent[];
    try {
      decided = decide(command, state);
    } catch (error) {
      if (error instanceof DomainError) throw new LineRejection(error.rule, `${whereOf(step)} (${command.type}): ${error.message}`);
      throw error;
    }
    state = decided.reduce(evolve, state);
    events.push(...decided);
  }
  return events;
}

function whereOf(step: number): string {
  return step < 0 ? 'placedAt' : `steps[${step}]`;
}

/** A time already in toISOString() form (isIsoMillis: exactly those Date prints back) is used as it is. */
function metadataAt(at: string, time: number, context: HistoryContext) {
  return { now: isIsoMillis(at) ? at : new Date(time).toISOString(), actor: context.actor, orderId: context.orderId, correlationId: context.correlationId, causationId: context.importId };
}

function toCommand(step: ImportStep, metadata: ReturnType<typeof metadataAt>): OrderCommand {
  switch (step.command) {
    case 'authorize':
      return { type: 'AuthorizePayment', data: { amount: step.amount, method: step.method, ...(step.paymentId ? { paymentId: step.paymentId } : {}) }, metadata };
    case 'fail-payment':
      return { type: 'FailPayment', data: { reason: step.reason, ...(step.method ? { method: step.method } : {}) }, metadata };
    case 'capture':
      return { type: 'CapturePayment', data: {}, metadata };
    case 'ship':
      return { type: 'DispatchShipment', data: { carrier: step.carrier, trackingNumber: step.trackingNumber, warehouse: step.warehouse }, metadata };
    case 'checkpoint':
      return { type: 'RecordCheckpoint', data: { location: step.location, kind: step.kind, occurredAt: step.occurredAt ?? step.at }, metadata };
    case 'deliver':
      return { type: 'DeliverOrder', data: { occurredAt: step.occurredAt ?? step.at, ...(step.receivedBy ? { receivedBy: step.receivedBy } : {}) }, metadata };
    case 'cancel':
      return { type: 'CancelOrder', data: { reason: step.reason }, metadata };
    case 'refund':
      return { type: 'RefundPayment', data: { amount: step.amount, reason: step.reason }, metadata };
  }
}
