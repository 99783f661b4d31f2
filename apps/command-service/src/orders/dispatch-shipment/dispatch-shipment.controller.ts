import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam } from '@nestjs/swagger';
import { ApiAnswerWithEtag, Access } from '@ordersource/platform';
import { FastifyReply, FastifyRequest } from 'fastify';
import { CommandEndpoint } from '../command-endpoint';
import { OrderCommandRoutes, commandAnswer, orderIdParam } from '../order-command.routes';
import { DispatchShipmentCommand } from './dispatch-shipment.handler';
import { dispatchShipmentRequest, dispatchShipmentSchema } from './dispatch-shipment.request';

@OrderCommandRoutes()
@Controller('orders')
export class DispatchShipmentController {
  constructor(private readonly endpoint: CommandEndpoint) {}

  @Post(':orderId/shipment')
  @Access('operator', 'admin')
  @ApiOperation({ summary: 'Dispatch the shipment' })
  @ApiParam({ name: 'orderId' })
  @ApiBody({ schema: dispatchShipmentSchema as object })
  @ApiAnswerWithEtag(commandAnswer, 200)
  ship(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Param('orderId') orderId: string) {
    return this.endpoint.run(request, reply, { command: 'DispatchShipment', status: 200 }, (context) => new DispatchShipmentCommand(orderIdParam(orderId), dispatchShipmentRequest(request.body), context));
  }
}
