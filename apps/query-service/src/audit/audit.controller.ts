import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { orderEventTypes } from '@ordersource/domain';
import { AUDIT_EVENTS, ViewReader } from '@ordersource/read-models';
import { Access, routeCursor, storeCursorOf } from '@ordersource/platform';
import { VIEW_READER } from '../ports';
import { actor, asQueryProblem, instant, listQuery, range, uuid } from '../query-schemas';

const ROUTE = 'GET /audit/events';

const eventType = { type: 'string', enum: [...orderEventTypes] } as const;
const auditQuery = listQuery<{ type?: string[]; orderId?: string; actor?: string; from?: string; to?: string; limit: number; cursor?: string }>({
  type: { type: 'array', items: eventType, minItems: 1, maxItems: 20 },
  orderId: uuid,
  actor,
  from: instant,
  to: instant,
});

/** The event log by type, order, actor and recorded time (API.md GET /audit/events), oldest first. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(@Inject(VIEW_READER) private readonly store: ViewReader) {}

  @Get('events')
  @Access('operator', 'admin')
  @ApiOperation({ summary: 'Events by type (repeatable), order, actor and recordedAt range' })
  @ApiQuery({ name: 'type', required: false, isArray: true })
  @ApiQuery({ name: 'orderId', required: false })
  @ApiQuery({ name: 'actor', required: false, description: 'as recorded: `role:subject`, e.g. `operator:ops1`, `customer:cust-42`, `system:payment-timeout`' })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  async events(@Query() raw: Record<string, unknown>) {
    // `type` may repeat: one value arrives as a string, several as an array.
    const query = auditQuery(typeof raw?.type === 'string' ? { ...raw, type: [raw.type] } : raw);
    const page = await asQueryProblem(
      this.store.findPage({
        view: 'audit',
        collection: AUDIT_EVENTS,
        where: [
          ...(query.type ? [{ field: 'type', op: 'in' as const, values: query.type }] : []),
          ...(query.orderId ? [{ field: 'orderId', op: 'eq' as const, value: query.orderId.toLowerCase() }] : []),
          ...(query.actor ? [{ field: 'actor', op: 'eq' as const, value: query.actor }] : []),
          ...range('recordedAt', query.from, query.to),
        ],
        sortBy: 'recordedAt',
        direction: 'asc',
        limit: query.limit,
        cursor: storeCursorOf(ROUTE, query.cursor),
      }),
    );
    const items = page.items.map(({ position, orderId, version, type, occurredAt, recordedAt, actor, correlationId, hash }) => ({
      position,
      orderId,
      version,
      type,
      occurredAt,
      recordedAt,
      actor,
      correlationId,
      hash,
    }));
    return { items, nextCursor: routeCursor(ROUTE, page.nextCursor) };
  }
}
