import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InsufficientHistoryError, forecastSeries } from '@ordersource/analytics';
import { AUDIT_EVENTS, ViewReader, analyticsDocuments, analyticsFigures } from '@ordersource/read-models';
import { Access, ProblemError } from '@ordersource/platform';
import { OPENER, PersonalDataOpener, VIEW_READER } from '../ports';
import { checkedForecast, checkedWindow, durationsQuery, forecastQuery, ordersQuery, windowQuery } from './analytics-query';

const CHUNK = 200;

/**
 * API.md "Analytics" (staff): the figures are folded from the analytics view's documents of the
 * window on each request (exact, see libs/read-models/src/projections/analytics/figures.ts).
 */
@ApiTags('analytics')
@ApiBearerAuth()
@Controller('analytics')
export class AnalyticsController {
  constructor(
    @Inject(VIEW_READER) private readonly store: ViewReader,
    @Inject(OPENER) private readonly opener: PersonalDataOpener,
  ) {}

  @Get('orders')
  @Access('operator', 'admin')
  @ApiOperation({
    summary: 'Order activity per hour or day of business time, optionally per country, currency, payment method, carrier or channel',
    description:
      'Every bucket of [from, to) appears, with zeros when empty. Counts by the bucket of their event; revenue (captures) and refunds as currency maps. Groups are the order\'s attribute now; a payment failure counts under its own method. Orders of a forgotten customer group under country null.',
  })
  @ApiQuery({ name: 'from', required: true })
  @ApiQuery({ name: 'to', required: true })
  @ApiQuery({ name: 'bucket', required: true, enum: ['hour', 'day'] })
  @ApiQuery({ name: 'groupBy', required: false, enum: ['country', 'currency', 'paymentMethod', 'carrier', 'channel'] })
  async orders(@Query() raw: unknown) {
    const query = ordersQuery(raw);
    const window = checkedWindow(query, query.bucket);
    const documents = await analyticsDocuments(this.store, window);
    const countries = query.groupBy === 'country' ? await this.countriesOf(documents.map((document) => document.orderId)) : undefined;
    const series = analyticsFigures.ordersSeries(documents, { ...window, bucket: query.bucket, groupBy: query.groupBy, countryOf: (orderId) => countries?.get(orderId) ?? null });
    return { bucket: query.bucket, ...window, series };
  }

  @Get('funnel')
  @Access('operator', 'admin')
  @ApiOperation({ summary: 'Orders placed in [from, to) and how far they got by now; conversion as a share of placed' })
  @ApiQuery({ name: 'from', required: true })
  @ApiQuery({ name: 'to', required: true })
  async funnel(@Query() raw: unknown) {
    const window = checkedWindow(windowQuery(raw));
    return analyticsFigures.funnel(await analyticsDocuments(this.store, window), window);
  }

  @Get('durations')
  @Access('operator', 'admin')
  @ApiOperation({
    summary: 'Stage durations (placed-paid, paid-shipped, shipped-delivered) of the stages completed in [from, to)',
    description: 'Exact nearest-rank percentiles in seconds; optionally per carrier or warehouse.',
  })
  @ApiQuery({ name: 'from', required: true })
  @ApiQuery({ name: 'to', required: true })
  @ApiQuery({ name: 'groupBy', required: false, enum: ['carrier', 'warehouse'] })
  async durations(@Query() raw: unknown) {
    const query = durationsQuery(raw);
    const window = checkedWindow(query);
    return { items: analyticsFigures.durations(await analyticsDocuments(this.store, window), { ...window, groupBy: query.groupBy }) };
  }

  @Get('logistics')
  @Access('operator', 'admin')
  @ApiOperation({
    summary: 'Checkpoints per location (arrivals, departures, exceptions, dwell) and shipments per carrier dispatched in [from, to)',
    description: 'Carrier figures are of the shipments dispatched in the window: delivered by now, with an exception scan, and their transit time (exact percentiles).',
  })
  @ApiQuery({ name: 'from', required: true })
  @ApiQuery({ name: 'to', required: true })
  async logistics(@Query() raw: unknown) {
    const window = checkedWindow(windowQuery(raw));
    return analyticsFigures.logistics(await analyticsDocuments(this.store, window), window);
  }

  @Get('forecast')
  @Access('operator', 'admin')
  @ApiOperation({
    summary: 'Forecast of placed orders or revenue (one currency) per hour or day, with 80%/95% intervals and a rolling-origin backtest',
    description:
      'Additive Holt-Winters with daily and weekly cycles (hour) or a weekly cycle (day), trained on every complete bucket up to now; the backtest refits at up to 4 origins and compares with seasonal-naive (sMAPE in percent, MASE).',
  })
  @ApiQuery({ name: 'metric', required: true, enum: ['placed', 'revenue'] })
  @ApiQuery({ name: 'bucket', required: true, enum: ['hour', 'day'] })
  @ApiQuery({ name: 'horizon', required: true, description: '1-168 (hour) or 1-90 (day)' })
  @ApiQuery({ name: 'currency', required: false, description: 'required for metric=revenue' })
  @ApiResponse({ status: 200, description: '`{metric, bucket, currency?, method, trainedOn, seasonality, backtest, points: [{at, value, lower80, upper80, lower95, upper95}]}`' })
  @ApiResponse({ status: 422, description: 'insufficient-history: too little history to fit and backtest the method' })
  async forecast(@Query() raw: unknown) {
    const query = checkedForecast(forecastQuery(raw));
    const history = analyticsFigures.metricHistory(await analyticsDocuments(this.store), { ...query, until: new Date().toISOString() });
    try {
      const forecast = forecastSeries({ bucket: query.bucket, start: history.start, values: history.values, horizon: query.horizon });
      return { metric: query.metric, bucket: query.bucket, ...(query.currency ? { currency: query.currency } : {}), ...forecast };
    } catch (error) {
      if (error instanceof InsufficientHistoryError) throw new ProblemError(422, 'insufficient-history', 'Insufficient history', error.message);
      throw error;
    }
  }

  /** Shipping countries from the sealed OrderPlaced data in the audit view; null once erased. */
  private async countriesOf(orderIds: readonly string[]): Promise<Map<string, string | null>> {
    const countries = new Map<string, string | null>();
    for (let offset = 0; offset < orderIds.length; offset += CHUNK) {
      const page = await this.store.findPage({
        view: 'audit',
        collection: AUDIT_EVENTS,
        where: [
          { field: 'orderId', op: 'in', values: orderIds.slice(offset, offset + CHUNK) },
          { field: 'version', op: 'eq', value: 1 },
        ],
        sortBy: 'version',
        direction: 'asc',
        limit: CHUNK,
      });
      const placed = page.items.map((item) => ({ type: 'OrderPlaced', data: { orderId: item.orderId as string, shippingAddress: (item.data as Record<string, unknown>).shippingAddress } }));
      for (const { data } of await this.opener.openEvents(placed)) {
        const address = data.shippingAddress as { country?: unknown } | string | undefined;
        countries.set(data.orderId, typeof address === 'object' && address !== null && typeof address.country === 'string' ? address.country : null);
      }
    }
    return countries;
  }
}
