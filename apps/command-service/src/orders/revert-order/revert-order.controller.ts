import { Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam } from '@nestjs/swagger';
import { Access, ApiAnswerWithEtag } from '@ordersource/platform';
import { FastifyReply, FastifyRequest } from 'fastify';
import { CommandEndpoint } from '../command-endpoint';
import { CommandContext } from '../order-command';
import { OrderCommandRoutes, commandAnswer, orderIdParam } from '../order-command.routes';
import { RevertOrderCommand, RevertPreviewer } from './revert-order.handler';
import { revertOrderRequest, revertOrderSchema } from './revert-order.request';

@OrderCommandRoutes()
@Controller('orders')
export class RevertOrderController {
  constructor(
    private readonly endpoint: CommandEndpoint,
    private readonly previewer: RevertPreviewer,
  ) {}

  @Post(':orderId/revert')
  @Access('operator', 'admin')
  @ApiOperation({
    summary: 'Revert the order to an earlier version with a compensating OrderReverted',
    description:
      'After it, the order, every view and time travel equal the state at `toVersion` (1 <= toVersion < version); the voided events stay in the log with `voidedBy` in the history. ' +
      'Refused with 409 `revert-not-allowed` (naming them) when a voided event moved money (PaymentCaptured, PaymentRefunded); 409 `nothing-to-revert` when toVersion is not below the version; ' +
      '409 `revert-target-voided` when an earlier revert voided toVersion. `dryRun: true` answers `{orderId, fromVersion, toVersion, voided:[{version, type}], before, after}` (tracking views) and writes nothing (an Idempotency-Key is not recorded for it).',
  })
  @ApiParam({ name: 'orderId' })
  @ApiBody({ schema: revertOrderSchema as object })
  @ApiAnswerWithEtag(`${commandAnswer}; with dryRun, the preview`, 200)
  revert(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Param('orderId') orderId: string) {
    // The body is validated inside the endpoint's builders (a refusal is part of the stored outcome).
    const message = (context: CommandContext) => {
      const { dryRun: _dryRun, ...body } = revertOrderRequest(request.body);
      return new RevertOrderCommand(orderIdParam(orderId), body, context);
    };
    if ((request.body as { dryRun?: unknown } | null | undefined)?.dryRun === true) {
      return this.endpoint.answer(request, reply, (context) => this.previewer.preview(message(context)));
    }
    return this.endpoint.run(request, reply, { command: 'RevertOrder', status: 200 }, message);
  }
}
