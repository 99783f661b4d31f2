import type { CheckpointKind, Money, OrderChannel, OrderItem, PaymentMethod, ShippingAddress } from './values';

/**
 * Everything the decider may know about "now", "who" and "which order" comes in here, so that
 * decide stays a pure function of (command, state): it never reads a clock or a random source.
 */
export interface CommandMetadata {
  /** Request time, ISO 8601 UTC with milliseconds. */
  readonly now: string;
  /** Who asks, as recorded in the log: `role:subject` for a key (`operator:ops1`, `customer:cust-42`), `system:<process>` for a process. */
  readonly actor: string;
  readonly orderId: string;
  readonly correlationId?: string;
  readonly causationId?: string;
}

interface Command<Type extends string, Data> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: CommandMetadata;
}

export type PlaceOrder = Command<
  'PlaceOrder',
  {
    readonly customerId: string;
    readonly currency: string;
    readonly items: readonly OrderItem[];
    readonly shippingAddress: ShippingAddress;
    readonly channel: OrderChannel;
    /** Drawn by the caller before deciding (a sequence is not the decider's to read), see order-number.ts. */
    readonly orderNumber: string;
  }
>;

export type AuthorizePayment = Command<
  'AuthorizePayment',
  { readonly amount: Money; readonly method: PaymentMethod; readonly paymentId?: string }
>;

export type FailPayment = Command<'FailPayment', { readonly reason: string; readonly method?: PaymentMethod }>;

export type CapturePayment = Command<'CapturePayment', Record<string, never>>;

export type DispatchShipment = Command<
  'DispatchShipment',
  { readonly carrier: string; readonly trackingNumber: string; readonly warehouse: string }
>;

export type RecordCheckpoint = Command<
  'RecordCheckpoint',
  { readonly location: string; readonly kind: CheckpointKind; readonly occurredAt: string }
>;

export type DeliverOrder = Command<'DeliverOrder', { readonly occurredAt?: string; readonly receivedBy?: string }>;

export type CancelOrder = Command<'CancelOrder', { readonly reason: string }>;

export type RefundPayment = Command<'RefundPayment', { readonly amount: Money; readonly reason: string }>;

/**
 * A payment deadline ran out (API.md "Deadlines"): the process manager only asks; the decider
 * cancels only an order that is still unpaid (PLACED or PAYMENT_FAILED), never one whose
 * payment was authorized meanwhile.
 */
export type CancelUnpaidOrder = Command<'CancelUnpaidOrder', { readonly reason: string }>;

/**
 * A correction (API.md "Corrections", issue 13): append `OrderReverted`, after which the order is
 * as it stood at `toVersion`. Not a lifecycle step: it is decided against the order's versions
 * (revert.ts), not against the lifecycle table.
 */
export type RevertOrder = Command<'RevertOrder', { readonly toVersion: number; readonly reason: string }>;

export type OrderCommand =
  | RevertOrder
  | PlaceOrder
  | AuthorizePayment
  | FailPayment
  | CapturePayment
  | DispatchShipment
  | RecordCheckpoint
  | DeliverOrder
  | CancelOrder
  | RefundPayment
  | CancelUnpaidOrder;

export type OrderCommandType = OrderCommand['type'];

/** The commands of the lifecycle table, in its row order (API.md "Order lifecycle"), PlaceOrder first. */
export const orderCommandTypes = [
  'PlaceOrder',
  'AuthorizePayment',
  'FailPayment',
  'CapturePayment',
  'DispatchShipment',
  'RecordCheckpoint',
  'DeliverOrder',
  'CancelOrder',
  'RefundPayment',
  'CancelUnpaidOrder',
] as const satisfies readonly OrderCommandType[];

export type LifecycleCommandType = (typeof orderCommandTypes)[number];

/** Corrections: decided against the order's history, outside the lifecycle table. */
export const correctionCommandTypes = ['RevertOrder'] as const satisfies readonly OrderCommandType[];

// A compile error here means a command type is missing from the lists above.
type UnlistedCommandType = Exclude<OrderCommandType, LifecycleCommandType | (typeof correctionCommandTypes)[number]>;
export const _everyCommandTypeListed: [UnlistedCommandType] extends [never] ? true : never = true;
