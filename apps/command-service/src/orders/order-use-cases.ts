import { AuthorizePaymentController } from './authorize-payment/authorize-payment.controller';
import { AuthorizePaymentHandler } from './authorize-payment/authorize-payment.handler';
import { CancelOrderController } from './cancel-order/cancel-order.controller';
import { CancelOrderHandler } from './cancel-order/cancel-order.handler';
import { CapturePaymentController } from './capture-payment/capture-payment.controller';
import { CapturePaymentHandler } from './capture-payment/capture-payment.handler';
import { DeliverOrderController } from './deliver-order/deliver-order.controller';
import { DeliverOrderHandler } from './deliver-order/deliver-order.handler';
import { DispatchShipmentController } from './dispatch-shipment/dispatch-shipment.controller';
import { DispatchShipmentHandler } from './dispatch-shipment/dispatch-shipment.handler';
import { FailPaymentController } from './fail-payment/fail-payment.controller';
import { FailPaymentHandler } from './fail-payment/fail-payment.handler';
import { PlaceOrderController } from './place-order/place-order.controller';
import { PlaceOrderHandler } from './place-order/place-order.handler';
import { RecordCheckpointController } from './record-checkpoint/record-checkpoint.controller';
import { RecordCheckpointHandler } from './record-checkpoint/record-checkpoint.handler';
import { RefundPaymentController } from './refund-payment/refund-payment.controller';
import { RefundPaymentHandler } from './refund-payment/refund-payment.handler';
import { RevertOrderController } from './revert-order/revert-order.controller';
import { RevertOrderHandler, RevertPreviewer } from './revert-order/revert-order.handler';

/** The order commands, one use-case folder each (API.md "Order commands"). */
export const orderCommandControllers = [
  PlaceOrderController,
  AuthorizePaymentController,
  FailPaymentController,
  CapturePaymentController,
  DispatchShipmentController,
  RecordCheckpointController,
  DeliverOrderController,
  CancelOrderController,
  RefundPaymentController,
  RevertOrderController,
];

export const orderCommandHandlers = [
  PlaceOrderHandler,
  AuthorizePaymentHandler,
  FailPaymentHandler,
  CapturePaymentHandler,
  DispatchShipmentHandler,
  RecordCheckpointHandler,
  DeliverOrderHandler,
  CancelOrderHandler,
  RefundPaymentHandler,
  RevertOrderHandler,
  RevertPreviewer,
];
