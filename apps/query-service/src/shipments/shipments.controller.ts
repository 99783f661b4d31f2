import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, ApiAnswerWithEtag, ApiMinVersion, principalOf } from '@ordersource/platform';
import { FastifyReply, FastifyRequest } from 'fastify';
import { sendWithEtag } from '../orders/orders.controller';
import { ReadAccess, orderIdParam } from '../read-access';
import { noQuery } from '../query-schemas';

@ApiTags('shipments')
@ApiBearerAuth()
@Controller('shipments')
export class ShipmentsController {
  constructor(private readonly access: ReadAccess) {}

  @Get(':orderId')
  @ApiMinVersion()
  @ApiAnswerWithEtag('the shipping view')
  @Access('customer', 'operator', 'admin')
  @ApiOperation({ summary: 'The shipment: carrier, tracking number and the route of checkpoints with dwell times' })
  async one(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Param('orderId') rawId: string, @Query() raw: unknown) {
    noQuery(raw);
    return sendWithEtag(reply, await this.access.document('shipping', orderIdParam(rawId), request, principalOf(request)));
  }
}
