import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { EventStore } from '@ordersource/event-store';
import { Access, bodyValidator, queryValidator } from '@ordersource/platform';
import { orderStream } from '../orders/order-command.executor';
import { EVENT_STORE } from '../orders/ports';
import { id64, objectOf } from '../orders/request-fragments';
import { CUSTOMER_FORGETTER, CustomerForgetter } from './customer-forgetter';
import { REPAIR_LOG, RepairLog } from './repair-log';

const integrityQuery = queryValidator<{ orderId?: string }>({
  type: 'object',
  additionalProperties: false,
  properties: { orderId: { type: 'string', format: 'uuid' } },
});
const forgetParams = bodyValidator<{ customerId: string }>(objectOf({ customerId: id64 }, ['customerId']));

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
    const stream = orderId ? orderStream(orderId) : undefined;
    const [report, repairs] = await Promise.all([this.store.verifyIntegrity(stream), this.repairs.recent({ streamId: stream, limit: 50 })]);
    return {
      ok: report.ok,
      checked: report.checked,
      ...(report.firstBroken
        ? {
            firstBroken: {
              orderId: report.firstBroken.streamId.replace(/^order-/, ''),
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
