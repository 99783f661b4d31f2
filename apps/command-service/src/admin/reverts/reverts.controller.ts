import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { isDomainError, orderIdOf } from '@ordersource/domain';
import { CorrelatedStreams } from '@ordersource/event-store';
import { Access, bodyValidator } from '@ordersource/platform';
import { FastifyReply, FastifyRequest } from 'fastify';
import { CommandBus } from '@nestjs/cqrs';
import { CommandEndpoint } from '../../orders/command-endpoint';
import { CommandContext } from '../../orders/order-command';
import { objectOf, text, text200 } from '@ordersource/contracts';
import { RevertOrderCommand, RevertPreviewer } from '../../orders/revert-order/revert-order.handler';

export const CORRELATED_STREAMS = Symbol('CorrelatedStreams');

interface BatchRevertRequest {
  correlationId: string;
  reason: string;
  dryRun?: boolean;
}

const batchRevertSchema = objectOf({ correlationId: text(128), reason: text200, dryRun: { type: 'boolean' } }, ['correlationId', 'reason']);
const batchRevertRequest = bodyValidator<BatchRevertRequest>(batchRevertSchema);

type Outcome = { orderId: string; toVersion: number; outcome: 'reverted' | 'would-revert' | 'refused'; refusedBecause?: string; detail?: string };

/**
 * `POST /admin/reverts` (API.md "Corrections"): every order with an event of the correlation id
 * goes back to the version before its first such event, each through the same RevertOrder
 * command as `POST /orders/{id}/revert` (one order is all-or-nothing, the batch is not: an
 * order refused, e.g. for a capture, leaves the others reverted). An order the correlation
 * placed (an import's) cannot go back to version 0, which would unmake it: it returns to
 * version 1, its placing, and everything after is voided; cancel it if it should not be.
 * `Idempotency-Key` as for any write (issue 13): a repeat answers the first answer, the same
 * key with another body is 422; a dry run records no key (as for `POST /orders/{id}/revert`).
 */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/reverts')
export class RevertsController {
  constructor(
    @Inject(CORRELATED_STREAMS) private readonly streams: CorrelatedStreams,
    private readonly bus: CommandBus,
    private readonly previewer: RevertPreviewer,
    private readonly endpoint: CommandEndpoint,
  ) {}

  @Post()
  @HttpCode(200)
  @Access('admin')
  @ApiOperation({
    summary: 'Revert every order a correlation id touched (an import run, a faulty integration)',
    description:
      'Each order goes back to the version before its first event of that correlation id (version 1 for an order the correlation placed). `{correlationId, orders:[{orderId, toVersion, outcome: reverted|would-revert|refused, refusedBecause?, detail?}]}`; each order is all-or-nothing, the batch is not. `dryRun: true` writes nothing (an Idempotency-Key is not recorded for it). `Idempotency-Key` as for any command: a repeat answers the first answer; the same key with another body is 422.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiBody({ schema: batchRevertSchema as object })
  revert(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    if ((request.body as { dryRun?: unknown } | null | undefined)?.dryRun === true) {
      return this.endpoint.answer(request, reply, (context) => this.revertAll(batchRevertRequest(request.body), context));
    }
    // The body is validated inside the write (a refusal is part of the key's stored outcome).
    return this.endpoint.runWrite(request, reply, (context) => this.revertAll(batchRevertRequest(request.body), context));
  }

  private async revertAll(body: BatchRevertRequest, { principal, actor, correlationId, requestId, now }: CommandContext): Promise<{ correlationId: string; orders: Outcome[] }> {
    // Each order's revert is its own command: no If-Match (the orders are at different versions), no Idempotency-Key (it stands for the batch).
    const context: CommandContext = { principal, actor, correlationId, requestId, now };
    const orders: Outcome[] = [];
    for (const stream of await this.streams.streamsWithCorrelation(body.correlationId)) {
      const orderId = orderIdOf(stream.streamId);
      const toVersion = Math.max(1, stream.firstVersion - 1);
      const command = new RevertOrderCommand(orderId, { toVersion, reason: body.reason }, context);
      try {
        if (body.dryRun) await this.previewer.preview(command);
        else await this.bus.execute(command);
        orders.push({ orderId, toVersion, outcome: body.dryRun ? 'would-revert' : 'reverted' });
      } catch (error) {
        if (!isDomainError(error)) throw error;
        orders.push({ orderId, toVersion, outcome: 'refused', refusedBecause: error.rule, detail: error.message });
      }
    }
    return { correlationId: body.correlationId, orders };
  }
}
