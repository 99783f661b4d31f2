import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { JsonObject } from '@ordersource/event-store';
import { PAYMENT_RECORDS, PaymentRecord, ViewReader } from '@ordersource/read-models';
import { Access, ApiAnswerWithEtag, ApiMinVersion, principalOf, routeCursor, storeCursorOf } from '@ordersource/platform';
import { FastifyReply, FastifyRequest } from 'fastify';
import { sendWithEtag } from '../orders/orders.controller';
import { OPENER, PersonalDataOpener, VIEW_READER } from '../ports';
import { ReadAccess, orderIdParam } from '../read-access';
import { asQueryProblem, instant, listQuery, noQuery, range } from '../query-schemas';

const ROUTE = 'GET /payments';

const paymentsQuery = listQuery<{ kind?: string; from?: string; to?: string; limit: number; cursor?: string }>({
  kind: { type: 'string', enum: ['authorization', 'failure', 'capture', 'refund'] },
  from: instant,
  to: instant,
});

/** Reasons are sealed in the view; they open here under the event type they were sealed for. */
const SEALED_AS: Record<string, string> = { failure: 'PaymentFailed', refund: 'PaymentRefunded' };

@ApiTags('payments')
@ApiBearerAuth()
@Controller('payments')
export class PaymentsController {
  constructor(
    @Inject(VIEW_READER) private readonly store: ViewReader,
    @Inject(OPENER) private readonly opener: PersonalDataOpener,
    private readonly access: ReadAccess,
  ) {}

  @Get()
  @Access('operator', 'admin')
  @ApiOperation({ summary: 'Payment records across orders (the finance ledger), newest first' })
  @ApiQuery({ name: 'kind', required: false })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  async list(@Query() raw: unknown) {
    const query = paymentsQuery(raw);
    const page = await asQueryProblem(
      this.store.findPage({
        view: 'payments',
        collection: PAYMENT_RECORDS,
        where: [...(query.kind ? [{ field: 'kind', op: 'eq' as const, value: query.kind }] : []), ...range('at', query.from, query.to)],
        sortBy: 'at',
        direction: 'desc',
        limit: query.limit,
        cursor: storeCursorOf(ROUTE, query.cursor),
      }),
    );
    return { items: await this.openReasons(page.items), nextCursor: routeCursor(ROUTE, page.nextCursor) };
  }

  @Get(':orderId')
  @ApiMinVersion()
  @ApiAnswerWithEtag('the payments view')
  @Access('customer', 'operator', 'admin')
  @ApiOperation({ summary: "One order's payment records and totals" })
  async one(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Param('orderId') rawId: string, @Query() raw: unknown) {
    noQuery(raw);
    const document = await this.access.document('payments', orderIdParam(rawId), request, principalOf(request));
    const records = await this.openReasons((document.records ?? []) as JsonObject[]);
    return sendWithEtag(reply, { ...document, records });
  }

  private async openReasons(records: JsonObject[]): Promise<JsonObject[]> {
    const sealed = records.map((record) => ({ type: SEALED_AS[String((record as unknown as PaymentRecord).kind)] ?? 'PaymentCaptured', data: { reason: record.reason ?? null } }));
    const opened = await this.opener.openEvents(sealed);
    return records.map((record, index) => ({ ...record, reason: (opened[index].data as JsonObject).reason ?? null }));
  }
}
