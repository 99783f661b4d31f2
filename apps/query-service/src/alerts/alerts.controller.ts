import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { PostgresAlertStore, alertRuleNames } from '@ordersource/monitoring';
import { Access, problems, routeCursor, storeCursorOf } from '@ordersource/platform';
import { listQuery } from '../query-schemas';

export const ALERT_STORE = Symbol('AlertStore');
const ROUTE = 'GET /alerts';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const alertsQuery = listQuery<{ state?: 'firing' | 'resolved'; rule?: string; limit: number; cursor?: string }>({
  state: { type: 'string', enum: ['firing', 'resolved'] },
  rule: { type: 'string', enum: [...alertRuleNames] },
});

/**
 * API.md "Monitoring and alerts" (staff): the durable alerts the evaluator keeps, newest first.
 * The evaluator runs in this service (see libs/monitoring/README.md for why).
 */
@ApiTags('alerts')
@ApiBearerAuth()
@Controller('alerts')
export class AlertsController {
  constructor(@Inject(ALERT_STORE) private readonly alerts: PostgresAlertStore) {}

  @Get()
  @Access('operator', 'admin')
  @ApiOperation({ summary: 'Alerts, firing and resolved, newest first by firedAt (cursor-paged)' })
  @ApiQuery({ name: 'state', required: false, enum: ['firing', 'resolved'] })
  @ApiQuery({ name: 'rule', required: false, enum: [...alertRuleNames] })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  async list(@Query() raw: unknown) {
    const query = alertsQuery(raw);
    const after = afterOf(storeCursorOf(ROUTE, query.cursor));
    const page = await this.alerts.page({ state: query.state, rule: query.rule, limit: query.limit, after });
    const last = page.items[page.items.length - 1];
    const next = page.hasMore && last ? Buffer.from(JSON.stringify([last.firedAt, last.alertId])).toString('base64url') : null;
    return { items: page.items, nextCursor: routeCursor(ROUTE, next) };
  }
}

function afterOf(inner: string | undefined): { firedAt: string; alertId: string } | undefined {
  if (inner === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(inner, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'string' || !ISO.test(parsed[0]) || typeof parsed[1] !== 'string' || !UUID.test(parsed[1])) {
    throw problems.invalidRequest([{ path: 'cursor', message: `is not a cursor of ${ROUTE}` }], 'The query cannot be served as asked.');
  }
  return { firedAt: parsed[0], alertId: parsed[1] };
}
