import { randomUUID } from 'node:crypto';
import { Controller, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation } from '@nestjs/swagger';
import { ApiAnswerWithEtag, Access } from '@ordersource/platform';
import { FastifyReply, FastifyRequest } from 'fastify';
import { assertMayPlaceFor } from '../authorization';
import { CommandEndpoint } from '../command-endpoint';
import { OrderCommandRoutes, commandAnswer } from '../order-command.routes';
import { PlaceOrderCommand } from './place-order.handler';
import { placeOrderRequest, placeOrderSchema } from './place-order.request';

@OrderCommandRoutes()
@Controller('orders')
export class PlaceOrderController {
  constructor(private readonly endpoint: CommandEndpoint) {}

  @Post()
  @Access('customer', 'operator', 'admin')
  @ApiOperation({ summary: 'Place an order' })
  @ApiBody({ schema: placeOrderSchema as object })
  @ApiAnswerWithEtag(commandAnswer, 201)
  place(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return this.endpoint.run(request, reply, { command: 'PlaceOrder', status: 201 }, (context) => {
      const body = placeOrderRequest(request.body);
      assertMayPlaceFor(context.principal, body.customerId);
      // The client's own orderId (validated as a UUID, kept in its canonical lower case) makes a retry safe.
      return new PlaceOrderCommand(body.orderId?.toLowerCase() ?? randomUUID(), body, context);
    });
  }
}
