import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam } from '@nestjs/swagger';
import { ApiAnswerWithEtag, Access } from '@ordersource/platform';
import { FastifyReply, FastifyRequest } from 'fastify';
import { CommandEndpoint } from '../command-endpoint';
import { OrderCommandRoutes, commandAnswer, orderIdParam } from '../order-command.routes';
import { DeliverOrderCommand } from './deliver-order.handler';
import { deliverOrderRequest, deliverOrderSchema } from './deliver-order.request';

@OrderCommandRoutes()
@Controller('orders')
export class DeliverOrderController {
  constructor(private readonly endpoint: CommandEndpoint) {}

  @Post(':orderId/deliver')
  @Access('operator', 'admin')
  @ApiOperation({ summary: 'Record delivery' })
  @ApiParam({ name: 'orderId' })
  @ApiBody({ schema: deliverOrderSchema as object, required: false })
  @ApiAnswerWithEtag(commandAnswer, 200)
  deliver(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Param('orderId') orderId: string) {
    return this.endpoint.run(request, reply, { command: 'DeliverOrder', status: 200 }, (context) => new DeliverOrderCommand(orderIdParam(orderId), deliverOrderRequest(request.body), context));
  }
}
