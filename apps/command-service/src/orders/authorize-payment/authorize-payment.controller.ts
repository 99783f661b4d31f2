import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam } from '@nestjs/swagger';
import { ApiAnswerWithEtag, Access } from '@ordersource/platform';
import { FastifyReply, FastifyRequest } from 'fastify';
import { CommandEndpoint } from '../command-endpoint';
import { OrderCommandRoutes, commandAnswer, orderIdParam } from '../order-command.routes';
import { AuthorizePaymentCommand } from './authorize-payment.handler';
import { authorizePaymentRequest, authorizePaymentSchema } from './authorize-payment.request';

@OrderCommandRoutes()
@Controller('orders')
export class AuthorizePaymentController {
  constructor(private readonly endpoint: CommandEndpoint) {}

  @Post(':orderId/payment/authorize')
  @Access('operator', 'admin')
  @ApiOperation({ summary: 'Record a payment authorization (amount = total)' })
  @ApiParam({ name: 'orderId' })
  @ApiBody({ schema: authorizePaymentSchema as object })
  @ApiAnswerWithEtag(commandAnswer, 200)
  authorize(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Param('orderId') orderId: string) {
    return this.endpoint.run(request, reply, { command: 'AuthorizePayment', status: 200 }, (context) => new AuthorizePaymentCommand(orderIdParam(orderId), authorizePaymentRequest(request.body), context));
  }
}
