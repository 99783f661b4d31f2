import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { orderIdOf, orderStreamId } from '@ordersource/domain';
import { EventStore } from '@ordersource/event-store';
import { Access, bodyValidator, queryValidator } from '@ordersource/platform';
import { EVENT_STORE } from '../orders/ports';
import { id64, objectOf } from '@ordersource/contracts';
import { CUSTOMER_FORGETTER, CustomerForgetter } from './customer-forgetter';
import { REPAIR_LOG, RepairLog } from './repair-log';

const integrityQuery = queryValidator<{ orderId?: string }>({
  type: 'object',
  additionalProperties: false,
  properties: { orderId: { type: 'string', format: 'uuid' } },
});
/**
 * A customer id as a path segment: no slash or backslash (decoded `%2F`), no `..`, so an id can
 * never address anything but one customer (issue 17: `..%2F..%2Fx` was accepted). Forgetting a
 * customer the store has never seen answers 200 like any other forget: an erasure is idempotent
 * and may arrive before (or without) the customer's data, and recording it erases nothing.
 */
export const PATH_SAFE_ID = '^(?!.*\\.\\.)[^/\\\\]*$';
const forgetParams = bodyValidator<{ customerId: string }>(objectOf({ customerId: { allOf: [id64, { type: 'string', pattern: PATH_SAFE_ID }] } }, ['customerId']));

/** Admin-only operations: the hash chain's verdict and a customer's erasure (issues 2 and 3). */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin')
export class AdminController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CUSTOMER_FORGETTER) private readonly forgetter: CustomerForgetter,
    @Inject(REPAIR_LOG) private readonly repairs: RepairLog,
  ) {}

  @Get('integrity')
  @Access('admin')
  @ApiOperation({ summary: 'Verify the hash chain of one order or of the whole log; lists the latest tamper repairs (`npm run repair`)' })
  @ApiQuery({ name: 'orderId', required: false })
  async integrity(@Query() query: unknown) {
    const { orderId } = integrityQuery(query);
    const stream = orderId ? orderStreamId(orderId) : undefined;
    const [report, repairs] = await Promise.all([this.store.verifyIntegrity(stream), this.repairs.recent({ streamId: stream, limit: 50 })]);
    return {
      ok: report.ok,
      checked: report.checked,
      ...(report.firstBroken
        ? {
            firstBroken: {
              orderId: orderIdOf(report.firstBroken.streamId),
              version: report.firstBroken.version,
              position: report.firstBroken.position,
              reason: report.firstBroken.reason,
            },
          }
        : {}),
      repairs: repairs.map(({ streamId, ...repair }) => ({ orderId: streamId.replace(/^order-/, ''), ...repair })),
    };
  }

  @Post('customers/:customerId/forget')
  @HttpCode(200)
  @Access('admin')
  @ApiOperation({ summary: "Erase a customer's personal data (crypto-shredding): views then show \"[erased]\"" })
  async forget(@Param('customerId') customerId: string) {
    return this.forgetter.forgetCustomer(forgetParams({ customerId }).customerId);
  }
}
