export type {
  AuthorizePayment,
  CancelOrder,
  CancelUnpaidOrder,
  CapturePayment,
  CommandMetadata,
  DeliverOrder,
  DispatchShipment,
  FailPayment,
  OrderCommand,
  OrderCommandType,
  PlaceOrder,
  RecordCheckpoint,
  RefundPayment,
  RevertOrder,
  LifecycleCommandType,
} from './commands';
export { correctionCommandTypes, orderCommandTypes } from './commands';
export type {
  OrderCancelled,
  OrderDelivered,
  OrderEvent,
  OrderEventType,
  OrderPlaced,
  PaymentAuthorized,
  PaymentCaptured,
  PaymentFailed,
  PaymentRefunded,
  ShipmentCheckpointRecorded,
  ShipmentDispatched,
  OrderReverted,
} from './events';
export { moneyMovementTypes, orderEventTypes } from './events';
export type { OrderFacts, OrderState, OrderStatus, OrderVersion, PlacedOrder, UnplacedOrder } from './state';
export { versionsVoidedBy } from './revert';
export { initialState, isPlaced, orderStatuses, refundableAmount } from './state';
export type { CheckpointKind, Money, OrderChannel, OrderItem, PaymentMethod, ShippingAddress } from './values';
export { DEFAULT_CHANNEL, checkpointKinds, orderChannels, paymentMethods } from './values';
export { ORDER_NUMBER_PATTERN, formatOrderNumber, isOrderNumber, nextOrderNumber, nextOrderNumbers, orderNumberYear } from './order-number';
export type { OrderUpcaster, StoredEventShape } from './upcasters';
export { orderUpcasters } from './upcasters';
export type { DomainErrorKind, DomainErrorOptions, DomainRule } from './errors';
export { DomainError, domainRules, isDomainError } from './errors';
export type { LifecycleCell, LifecycleStatus } from './lifecycle';
export { allowedCommands, lifecycleCell, orderLifecycle } from './lifecycle';
export { maxFutureSkewMs } from './invariants';
export { decide } from './decide';
export { evolve, statusAfterRefund } from './evolve';
export type { Decider } from './decider';
export { foldOrder, orderDecider } from './decider';
export { orderIdOf, orderStreamId } from './stream';
