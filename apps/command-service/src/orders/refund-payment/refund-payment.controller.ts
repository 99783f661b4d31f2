import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam } from '@nestjs/swagger';
import { ApiAnswerWithEtag, Access } from '@ordersource/platform';
import { FastifyReply, FastifyRequest } from 'fastify';
import { CommandEndpoint } from '../command-endpoint';
import { OrderCommandRoutes, commandAnswer, orderIdParam } from '../order-command.routes';
import { RefundPaymentCommand } from './refund-payment.handler';
import { refundPaymentRequest, refundPaymentSchema } from './refund-payment.request';

@OrderCommandRoutes()
@Controller('orders')
export class RefundPaymentController {
  constructor(private readonly endpoint: CommandEndpoint) {}

  @Post(':orderId/refund')
  @Access('admin')
  @ApiOperation({ summary: 'Refund part or all of the captured amount' })
  @ApiParam({ name: 'orderId' })
  @ApiBody({ schema: refundPaymentSchema as object })
  @ApiAnswerWithEtag(commandAnswer, 200)
  refund(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Param('orderId') orderId: string) {
    return this.endpoint.run(request, reply, { command: 'RefundPayment', status: 200 }, (context) => new RefundPaymentCommand(orderIdParam(orderId), refundPaymentRequest(request.body), context));
  }
}
