import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam } from '@nestjs/swagger';
import { ApiAnswerWithEtag, Access } from '@ordersource/platform';
import { FastifyReply, FastifyRequest } from 'fastify';
import { CommandEndpoint } from '../command-endpoint';
import { OrderCommandRoutes, commandAnswer, orderIdParam } from '../order-command.routes';
import { RecordCheckpointCommand } from './record-checkpoint.handler';
import { recordCheckpointRequest, recordCheckpointSchema } from './record-checkpoint.request';

@OrderCommandRoutes()
@Controller('orders')
export class RecordCheckpointController {
  constructor(private readonly endpoint: CommandEndpoint) {}

  @Post(':orderId/shipment/checkpoints')
  @Access('operator', 'admin')
  @ApiOperation({ summary: 'Record a shipment checkpoint (scans may arrive late and in any order)' })
  @ApiParam({ name: 'orderId' })
  @ApiBody({ schema: recordCheckpointSchema as object })
  @ApiAnswerWithEtag(commandAnswer, 200)
  checkpoint(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Param('orderId') orderId: string) {
    return this.endpoint.run(request, reply, { command: 'RecordCheckpoint', status: 200 }, (context) => new RecordCheckpointCommand(orderIdParam(orderId), recordCheckpointRequest(request.body), context));
  }
}
