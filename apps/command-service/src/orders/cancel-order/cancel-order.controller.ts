import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam } from '@nestjs/swagger';
import { ApiAnswerWithEtag, Access } from '@ordersource/platform';
import { FastifyReply, FastifyRequest } from 'fastify';
import { CommandEndpoint } from '../command-endpoint';
import { OrderCommandRoutes, commandAnswer, orderIdParam } from '../order-command.routes';
import { CancelOrderCommand } from './cancel-order.handler';
import { cancelOrderRequest, cancelOrderSchema } from './cancel-order.request';

@OrderCommandRoutes()
@Controller('orders')
export class CancelOrderController {
  constructor(private readonly endpoint: CommandEndpoint) {}

  @Post(':orderId/cancel')
  @Access('customer', 'operator', 'admin')
  @ApiOperation({ summary: 'Cancel the order (voids an authorization, refunds a capture in full)' })
  @ApiParam({ name: 'orderId' })
  @ApiBody({ schema: cancelOrderSchema as object })
  @ApiAnswerWithEtag(commandAnswer, 200)
  cancel(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Param('orderId') orderId: string) {
    return this.endpoint.run(request, reply, { command: 'CancelOrder', status: 200 }, (context) => new CancelOrderCommand(orderIdParam(orderId), cancelOrderRequest(request.body), context));
  }
}
