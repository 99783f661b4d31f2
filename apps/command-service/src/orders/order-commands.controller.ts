import { randomUUID } from 'node:crypto';
import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Access, problems } from '@ordersource/platform';
import { FastifyReply, FastifyRequest } from 'fastify';
import { AuthorizePaymentCommand, authorizePaymentRequest, authorizePaymentSchema } from './authorize-payment/authorize-payment';
import { CancelOrderCommand, cancelOrderRequest, cancelOrderSchema } from './cancel-order/cancel-order';
import { CapturePaymentCommand, capturePaymentRequest, capturePaymentSchema } from './capture-payment/capture-payment';
import { CommandRunner } from './command-runner';
import { DeliverOrderCommand, deliverOrderRequest, deliverOrderSchema } from './deliver-order/deliver-order';
import { DispatchShipmentCommand, dispatchShipmentRequest, dispatchShipmentSchema } from './dispatch-shipment/dispatch-shipment';
import { FailPaymentCommand, failPaymentRequest, failPaymentSchema } from './fail-payment/fail-payment';
import { CommandContext } from './order-command.message';
import { PlaceOrderCommand, placeOrderRequest, placeOrderSchema } from './place-order/place-order';
import { RecordCheckpointCommand, recordCheckpointRequest, recordCheckpointSchema } from './record-checkpoint/record-checkpoint';
import { RefundPaymentCommand, refundPaymentRequest, refundPaymentSchema } from './refund-payment/refund-payment';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const answer = { description: '`{orderId, version, position, status}`; `ETag: "<version>"`' };

function orderIdOf(value: string): string {
  if (!UUID.test(value)) throw problems.invalidRequest([{ path: 'orderId', message: 'must be a UUID' }]);
  return value.toLowerCase();
}

type Build = (request: FastifyRequest, context: CommandContext) => import('./order-command.message').OrderCommandMessage<unknown>;

/** The command routes of API.md: shape checks here, rules in the decider, one runner for all. */
@ApiTags('order commands')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false })
@ApiHeader({ name: 'X-Correlation-Id', required: false })
@ApiResponse({ status: 400, description: 'invalid request (problem+json with errors)' })
@ApiResponse({ status: 409, description: 'not allowed in the current state; `type` names the rule' })
@Controller('orders')
export class OrderCommandsController {
  constructor(private readonly runner: CommandRunner) {}

  @Post()
  @Access('customer', 'operator', 'admin')
  @ApiOperation({ summary: 'Place an order' })
  @ApiBody({ schema: placeOrderSchema as object })
  @ApiResponse({ status: 201, ...answer })
  place(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const given = (request.body as { orderId?: unknown } | undefined)?.orderId;
    const orderId = typeof given === 'string' && UUID.test(given.trim()) ? given.trim().toLowerCase() : randomUUID();
    return this.runner.run(request, reply, orderId, (context) => {
      const body = placeOrderRequest(request.body);
      if (context.principal.role === 'customer' && body.customerId !== context.principal.customerId) {
        throw problems.forbidden('A customer key places orders for its own customerId only.');
      }
      return new PlaceOrderCommand(body, context);
    });
  }

  @Post(':orderId/payment/authorize')
  @Access('operator', 'admin')
  @ApiOperation({ summary: 'Record a payment authorization (amount = total)' })
  @ApiParam({ name: 'orderId' })
  @ApiBody({ schema: authorizePaymentSchema as object })
  @ApiResponse({ status: 200, ...answer })
  authorize(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Param('orderId') orderId: string) {
    return this.command(request, reply, orderId, (req, context) => new AuthorizePaymentCommand(authorizePaymentRequest(req.body), context));
  }

  @Post(':orderId/payment/fail')
  @Access('operator', 'admin')
  @ApiOperation({ summary: 'Record a failed payment' })
  @ApiParam({ name: 'orderId' })
  @ApiBody({ schema: failPaymentSchema as object })
  @ApiResponse({ status: 200, ...answer })
  failPayment(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Param('orderId') orderId: string) {
    return this.command(request, reply, orderId, (req, context) => new FailPaymentCommand(failPaymentRequest(req.body), context));
  }

  @Post(':orderId/payment/capture')
  @Access('operator', 'admin')
  @ApiOperation({ summary: 'Record the capture of the authorized payment' })
  @ApiParam({ name: 'orderId' })
  @ApiBody({ schema: capturePaymentSchema as object, required: false })
  @ApiResponse({ status: 200, ...answer })
  capture(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Param('orderId') orderId: string) {
    return this.command(request, reply, orderId, (req, context) => new CapturePaymentCommand(capturePaymentRequest(req.body), context));
  }

  @Post(':orderId/shipment')
  @Access('operator', 'admin')
  @ApiOperation({ summary: 'Dispatch the shipment' })
  @ApiParam({ name: 'orderId' })
  @ApiBody({ schema: dispatchShipmentSchema as object })
  @ApiResponse({ status: 200, ...answer })
  ship(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Param('orderId') orderId: string) {
    return this.command(request, reply, orderId, (req, context) => new DispatchShipmentCommand(dispatchShipmentRequest(req.body), context));
  }

  @Post(':orderId/shipment/checkpoints')
  @Access('operator', 'admin')
  @ApiOperation({ summary: 'Record a shipment checkpoint (scans may arrive late and in any order)' })
  @ApiParam({ name: 'orderId' })
  @ApiBody({ schema: recordCheckpointSchema as object })
  @ApiResponse({ status: 200, ...answer })
  checkpoint(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Param('orderId') orderId: string) {
    return this.command(request, reply, orderId, (req, context) => new RecordCheckpointCommand(recordCheckpointRequest(req.body), context));
  }

  @Post(':orderId/deliver')
  @Access('operator', 'admin')
  @ApiOperation({ summary: 'Record delivery' })
  @ApiParam({ name: 'orderId' })
  @ApiBody({ schema: deliverOrderSchema as object, required: false })
  @ApiResponse({ status: 200, ...answer })
  deliver(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Param('orderId') orderId: string) {
    return this.command(request, reply, orderId, (req, context) => new DeliverOrderCommand(deliverOrderRequest(req.body), context));
  }

  @Post(':orderId/cancel')
  @Access('customer', 'operator', 'admin')
  @ApiOperation({ summary: 'Cancel the order (voids an authorization, refunds a capture in full)' })
  @ApiParam({ name: 'orderId' })
  @ApiBody({ schema: cancelOrderSchema as object })
  @ApiResponse({ status: 200, ...answer })
  cancel(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Param('orderId') orderId: string) {
    return this.command(request, reply, orderId, (req, context) => new CancelOrderCommand(cancelOrderRequest(req.body), context));
  }

  @Post(':orderId/refund')
  @Access('admin')
  @ApiOperation({ summary: 'Refund part or all of the captured amount' })
  @ApiParam({ name: 'orderId' })
  @ApiBody({ schema: refundPaymentSchema as object })
  @ApiResponse({ status: 200, ...answer })
  refund(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Param('orderId') orderId: string) {
    return this.command(request, reply, orderId, (req, context) => new RefundPaymentCommand(refundPaymentRequest(req.body), context));
  }

  private command(request: FastifyRequest, reply: FastifyReply, rawOrderId: string, build: Build) {
    return this.runner.run(request, reply, rawOrderId, (context) => {
      context.orderId = orderIdOf(rawOrderId);
      return build(request, context);
    });
  }
}
