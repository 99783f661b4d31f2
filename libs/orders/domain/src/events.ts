import type { CheckpointKind, Money, OrderChannel, OrderItem, PaymentMethod, ShippingAddress } from './values';

/**
 * Event `type` strings are stored forever: never rename one. A new shape of an event is a new
 * `schemaVersion` with an upcaster in front of evolve, not an edit of the shapes below.
 */
interface Event<Type extends string, Data, SchemaVersion extends number = 1> {
  readonly type: Type;
  readonly schemaVersion: SchemaVersion;
  readonly data: Data & { readonly orderId: string };
  /** When it happened: ISO 8601 UTC with milliseconds. */
  readonly occurredAt: string;
}

/**
 * Version 2 (issue 15) adds `channel` and `orderNumber`. Version 1 events are read as version 2
 * through the upcaster in upcasters.ts (`channel: "web"`); they have no order number, since
 * numbers did not exist when they were placed.
 */
export type OrderPlaced = Event<
  'OrderPlaced',
  {
    readonly customerId: string;
    readonly currency: string;
    readonly items: readonly OrderItem[];
    readonly total: Money;
    readonly shippingAddress: ShippingAddress;
    readonly channel: OrderChannel;
    /** `OS-<year>-<n>`; absent on orders placed before numbers existed (version 1). */
    readonly orderNumber?: string;
  },
  2
>;

export type PaymentAuthorized = Event<
  'PaymentAuthorized',
  { readonly amount: Money; readonly method: PaymentMethod; readonly paymentId?: string }
>;

export type PaymentFailed = Event<'PaymentFailed', { readonly reason: string; readonly method?: PaymentMethod }>;

export type PaymentCaptured = Event<'PaymentCaptured', { readonly amount: Money }>;

export type ShipmentDispatched = Event<
  'ShipmentDispatched',
  { readonly carrier: string; readonly trackingNumber: string; readonly warehouse: string }
>;

export type ShipmentCheckpointRecorded = Event<
  'ShipmentCheckpointRecorded',
  { readonly location: string; readonly kind: CheckpointKind; readonly occurredAt: string }
>;

export type OrderDelivered = Event<'OrderDelivered', { readonly receivedBy?: string }>;

export type OrderCancelled = Event<
  'OrderCancelled',
  { readonly reason: string; readonly authorizationVoided: boolean }
>;

export type PaymentRefunded = Event<
  'PaymentRefunded',
  {
    readonly amount: Money;
    readonly reason: string;
    /** True when this refund brings the refunded sum up to the captured sum. */
    readonly full?: boolean;
  }
>;

/**
 * A compensating event (issue 13): the versions in `voidedVersions` no longer count, and the
 * order is as it stood at `toVersion`. The voided events stay in the log (history shows them with
 * `voidedBy`); nothing is rewritten.
 */
export type OrderReverted = Event<
  'OrderReverted',
  { readonly toVersion: number; readonly voidedVersions: readonly number[]; readonly reason: string }
>;

export type OrderEvent =
  | OrderPlaced
  | PaymentAuthorized
  | PaymentFailed
  | PaymentCaptured
  | ShipmentDispatched
  | ShipmentCheckpointRecorded
  | OrderDelivered
  | OrderCancelled
  | PaymentRefunded
  | OrderReverted;

export type OrderEventType = OrderEvent['type'];

export const orderEventTypes = [
  'OrderPlaced',
  'PaymentAuthorized',
  'PaymentFailed',
  'PaymentCaptured',
  'ShipmentDispatched',
  'ShipmentCheckpointRecorded',
  'OrderDelivered',
  'OrderCancelled',
  'PaymentRefunded',
  'OrderReverted',
] as const satisfies readonly OrderEventType[];

// A compile error here means an event type is missing from the list above.
type UnlistedEventType = Exclude<OrderEventType, (typeof orderEventTypes)[number]>;
export const _everyEventTypeListed: [UnlistedEventType] extends [never] ? true : never = true;

/** Events that moved money: a revert never voids them (refund instead). */
export const moneyMovementTypes = ['PaymentCaptured', 'PaymentRefunded'] as const satisfies readonly OrderEventType[];
