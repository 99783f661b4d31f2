import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam } from '@nestjs/swagger';
import { ApiAnswerWithEtag, Access } from '@ordersource/platform';
import { FastifyReply, FastifyRequest } from 'fastify';
import { CommandEndpoint } from '../command-endpoint';
import { OrderCommandRoutes, commandAnswer, orderIdParam } from '../order-command.routes';
import { FailPaymentCommand } from './fail-payment.handler';
import { failPaymentRequest, failPaymentSchema } from './fail-payment.request';

@OrderCommandRoutes()
@Controller('orders')
export class FailPaymentController {
  constructor(private readonly endpoint: CommandEndpoint) {}

  @Post(':orderId/payment/fail')
  @Access('operator', 'admin')
  @ApiOperation({ summary: 'Record a failed payment' })
  @ApiParam({ name: 'orderId' })
  @ApiBody({ schema: failPaymentSchema as object })
  @ApiAnswerWithEtag(commandAnswer, 200)
  failPayment(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Param('orderId') orderId: string) {
    return this.endpoint.run(request, reply, { command: 'FailPayment', status: 200 }, (context) => new FailPaymentCommand(orderIdParam(orderId), failPaymentRequest(request.body), context));
  }
}
