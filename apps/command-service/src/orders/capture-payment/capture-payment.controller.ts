import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam } from '@nestjs/swagger';
import { ApiAnswerWithEtag, Access } from '@ordersource/platform';
import { FastifyReply, FastifyRequest } from 'fastify';
import { CommandEndpoint } from '../command-endpoint';
import { OrderCommandRoutes, commandAnswer, orderIdParam } from '../order-command.routes';
import { CapturePaymentCommand } from './capture-payment.handler';
import { capturePaymentRequest, capturePaymentSchema } from './capture-payment.request';

@OrderCommandRoutes()
@Controller('orders')
export class CapturePaymentController {
  constructor(private readonly endpoint: CommandEndpoint) {}

  @Post(':orderId/payment/capture')
  @Access('operator', 'admin')
  @ApiOperation({ summary: 'Record the capture of the authorized payment' })
  @ApiParam({ name: 'orderId' })
  @ApiBody({ schema: capturePaymentSchema as object, required: false })
  @ApiAnswerWithEtag(commandAnswer, 200)
  capture(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Param('orderId') orderId: string) {
    return this.endpoint.run(request, reply, { command: 'CapturePayment', status: 200 }, (context) => new CapturePaymentCommand(orderIdParam(orderId), capturePaymentRequest(request.body), context));
  }
}
