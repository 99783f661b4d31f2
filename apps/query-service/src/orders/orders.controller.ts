import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { JsonObject } from '@ordersource/event-store';
import { ViewReader } from '@ordersource/read-models';
import { ORDER_NUMBER_PATTERN } from '@ordersource/domain';
import { Access, ApiAnswerWithEtag, ApiMinVersion, principalOf, queryValidator, routeCursor, storeCursorOf } from '@ordersource/platform';
import { FastifyReply, FastifyRequest } from 'fastify';
import { VIEW_READER } from '../ports';
import { ReadAccess, orderIdParam } from '../read-access';
import { asQueryProblem, id64, instant, listQuery, noQuery, range } from '../query-schemas';

const ROUTE = 'GET /orders';
import { OrderHistory } from './order-history';

const orderNumber = { type: 'string', pattern: ORDER_NUMBER_PATTERN } as const;
const byNumberParams = queryValidator<{ orderNumber: string }>({ type: 'object', required: ['orderNumber'], properties: { orderNumber } });

const ordersQuery = listQuery<{ customerId?: string; status?: string; orderNumber?: string; placedFrom?: string; placedTo?: string; limit: number; cursor?: string }>({
  customerId: id64,
  orderNumber,
  status: { type: 'string', enum: ['PLACED', 'PAYMENT_FAILED', 'PAYMENT_AUTHORIZED', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'REFUNDED'] },
  placedFrom: instant,
  placedTo: instant,
});

@ApiTags('orders')
@ApiBearerAuth()
@Controller('orders')
export class OrdersController {
  constructor(
    @Inject(VIEW_READER) private readonly store: ViewReader,
    private readonly access: ReadAccess,
    private readonly history: OrderHistory,
  ) {}

  @Get()
  @Access('customer', 'operator', 'admin')
  @ApiOperation({ summary: 'Orders, newest first by (placedAt, orderId); a customer sees its own' })
  @ApiQuery({ name: 'customerId', required: false })
  @ApiQuery({ name: 'status', required: false })
  @ApiQuery({ name: 'orderNumber', required: false, description: '`OS-<year>-<n>`' })
  @ApiQuery({ name: 'placedFrom', required: false })
  @ApiQuery({ name: 'placedTo', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  async list(@Req() request: FastifyRequest, @Query() raw: unknown) {
    const query = ordersQuery(raw);
    const principal = principalOf(request);
    const customerId = principal.role === 'customer' ? principal.customerId : query.customerId;
    const page = await asQueryProblem(
      this.store.findPage({
        view: 'order-tracking',
        where: [
          ...(customerId ? [{ field: 'customerId', op: 'eq' as const, value: customerId }] : []),
          ...(query.status ? [{ field: 'status', op: 'eq' as const, value: query.status }] : []),
          ...(query.orderNumber ? [{ field: 'orderNumber', op: 'eq' as const, value: query.orderNumber }] : []),
          ...range('placedAt', query.placedFrom, query.placedTo),
        ],
        sortBy: 'placedAt',
        direction: 'desc',
        limit: query.limit,
        cursor: storeCursorOf(ROUTE, query.cursor),
      }),
    );
    return { items: page.items, nextCursor: routeCursor(ROUTE, page.nextCursor) };
  }

  @Get('by-number/:orderNumber')
  @ApiMinVersion()
  @Access('customer', 'operator', 'admin')
  @ApiOperation({ summary: 'The order-tracking view of the order with this number (`OS-<year>-<n>`), as GET /orders/{id} answers' })
  @ApiAnswerWithEtag('the tracking view')
  @ApiParam({ name: 'orderNumber', description: '`OS-<year>-<n>`, n zero-padded to 6 digits', schema: { type: 'string', pattern: ORDER_NUMBER_PATTERN } })
  async byNumber(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Param() params: unknown, @Query() raw: unknown) {
    noQuery(raw);
    const { orderNumber } = byNumberParams(params);
    return sendWithEtag(reply, await this.access.documentByNumber(orderNumber, request, principalOf(request)));
  }

  @Get(':orderId')
  @ApiMinVersion()
  @Access('customer', 'operator', 'admin')
  @ApiOperation({ summary: 'The order-tracking view of one order' })
  @ApiAnswerWithEtag('the tracking view')
  async one(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Param('orderId') rawId: string, @Query() raw: unknown) {
    noQuery(raw);
    const document = await this.access.document('order-tracking', orderIdParam(rawId), request, principalOf(request));
    return sendWithEtag(reply, document);
  }

  @Get(':orderId/history')
  @ApiMinVersion()
  @Access('customer', 'operator', 'admin')
  @ApiOperation({ summary: 'Every event of the order in version order' })
  @ApiResponse({ status: 200, description: '`{orderId, events: [{position, version, type, occurredAt, recordedAt, actor, correlationId, data}]}`' })
  async events(@Req() request: FastifyRequest, @Param('orderId') rawId: string, @Query() raw: unknown) {
    noQuery(raw);
    const orderId = orderIdParam(rawId);
    return { orderId, events: await this.history.history(orderId, request, principalOf(request)) };
  }

  @Get(':orderId/state')
  @ApiMinVersion()
  @Access('customer', 'operator', 'admin')
  @ApiOperation({ summary: 'The tracking view as it stood at a version or an instant (recordedAt)' })
  @ApiQuery({ name: 'asOfVersion', required: false })
  @ApiQuery({ name: 'asOf', required: false })
  @ApiAnswerWithEtag('the tracking view as it stood then')
  async state(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Param('orderId') rawId: string, @Query() raw: unknown) {
    const orderId = orderIdParam(rawId);
    const document = await this.history.stateAt(orderId, raw, request, principalOf(request));
    return sendWithEtag(reply, document);
  }
}

export function sendWithEtag(reply: FastifyReply, document: JsonObject) {
  return reply.header('etag', `"${String(document.version)}"`).send(document);
}
