import { useMemo } from 'preact/hooks';
import { Chart, type ChartSeries, PALETTE } from '../components/chart';
import { Choices, Field, PageTitle, Show, TableBox, Unavailable } from '../components/ui';
import { type Loaded, useApi } from '../hooks';
import { formatSeconds, minorDigits, isoToLocalInput, localInputToIso } from '../lib/format';
import { navigate, withQuery } from '../router';

type MoneyMap = Record<string, number>;

interface SeriesPoint {
  at: string;
  placed: number;
  paid: number;
  shipped: number;
  delivered: number;
  cancelled: number;
  paymentFailures: number;
  revenue: MoneyMap;
  refunds: MoneyMap;
}

interface OrdersSeries {
  bucket: string;
  from: string;
  to: string;
  series: { key: string | null; points: SeriesPoint[] }[];
}

interface Funnel {
  placed: number;
  authorized: number;
  paid: number;
  shipped: number;
  delivered: number;
  cancelled: number;
  refunded: number;
  conversion: { authorized: number; paid: number; shipped: number; delivered: number };
}

interface Durations {
  items: { stage: string; key: string | null; count: number; p50Seconds: number; p90Seconds: number; p99Seconds: number; maxSeconds: number }[];
}

interface Logistics {
  locations: { location: string; arrivals: number; departures: number; exceptions: number; dwellP50Seconds: number | null; dwellP90Seconds: number | null }[];
  carriers: { carrier: string; shipments: number; delivered: number; exceptions: number; exceptionRate: number; transitP50Seconds: number | null }[];
}

interface Forecast {
  metric: string;
  bucket: string;
  currency?: string;
  method: string;
  trainedOn: { from: string; to: string; points: number };
  seasonality: unknown;
  backtest: { origins: number; horizon: number; smape: number | null; mase: number | null; baseline: { method: string; smape: number | null; mase: number | null } };
  points: { at: string; value: number; lower80: number; upper80: number; lower95: number; upper95: number }[];
}

const COUNTS = ['placed', 'paid', 'shipped', 'delivered', 'cancelled', 'paymentFailures'] as const;
const DAY = 86_400_000;

/** Business-time analytics (API.md "Analytics"): the window, bucket and grouping are in the URL. */
export function AnalyticsPage({ query }: { query: URLSearchParams }) {
  const bucket = query.get('bucket') === 'hour' ? 'hour' : 'day';
  const to = query.get('to') ?? new Date(Math.ceil(Date.now() / DAY) * DAY).toISOString();
  const from = query.get('from') ?? new Date(Date.parse(to) - (bucket === 'hour' ? 2 : 30) * DAY).toISOString();
  const groupBy = query.get('groupBy') ?? '';
  const metric = query.get('metric') === 'revenue' ? 'revenue' : 'placed';
  const currency = (query.get('currency') ?? '').toUpperCase();
  const horizon = query.get('horizon') ?? (bucket === 'hour' ? '24' : '14');
  const window = { from, to };
  const [orders] = useApi<OrdersSeries>('query', withQuery('/analytics/orders', { ...window, bucket, groupBy }));
  const [funnel] = useApi<Funnel>('query', withQuery('/analytics/funnel', window));
  const [durations] = useApi<Durations>('query', withQuery('/analytics/durations', window));
  const [logistics] = useApi<Logistics>('query', withQuery('/analytics/logistics', window));
  const [forecast] = useApi<Forecast>(
    'query',
    metric === 'revenue' && !/^[A-Z]{3}$/.test(currency) ? null : withQuery('/analytics/forecast', { metric, bucket, horizon, currency: metric === 'revenue' ? currency : '' }),
  );
  const apply = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const value = (name: string) => String(form.get(name) ?? '').trim();
    navigate(
      withQuery('/analytics', {
        from: localInputToIso(value('from')),
        to: localInputToIso(value('to')),
        bucket: value('bucket'),
        groupBy: value('groupBy'),
        metric: value('metric'),
        currency: value('currency'),
        horizon: value('horizon'),
      }),
    );
  };
  const unavailable = orders.state === 'done' && !orders.answer.ok && orders.answer.status === 404;
  return (
    <>
      <PageTitle title="Analytics">Analytics</PageTitle>
      <form class="filters" onSubmit={apply} aria-label="Analytics window">
        <Field label="From (UTC)">
          <input type="datetime-local" name="from" defaultValue={isoToLocalInput(from)} required />
        </Field>
        <Field label="To (UTC)">
          <input type="datetime-local" name="to" defaultValue={isoToLocalInput(to)} required />
        </Field>
        <Field label="Bucket">
          <select name="bucket">
            <Choices options={['day', 'hour']} selected={bucket} />
          </select>
        </Field>
        <Field label="Group by">
          <select name="groupBy">
            <Choices options={[['', 'nothing'], 'country', 'currency', 'paymentMethod', 'carrier', 'channel']} selected={groupBy} />
          </select>
        </Field>
        <Field label="Forecast metric">
          <select name="metric">
            <Choices
              options={[
                ['placed', 'orders placed'],
                ['revenue', 'revenue'],
              ]}
              selected={metric}
            />
          </select>
        </Field>
        <Field label="Currency (revenue)">
          <input name="currency" defaultValue={currency} maxLength={3} pattern="[A-Za-z]{3}" />
        </Field>
        <Field label="Forecast horizon (buckets)">
          <input name="horizon" type="number" min={1} max={bucket === 'hour' ? 168 : 90} defaultValue={horizon} />
        </Field>
        <div class="actions">
          <button type="submit">Show</button>
        </div>
      </form>
      {unavailable ? (
        <Unavailable feature="Analytics" route="GET /analytics/*" />
      ) : (
        <>
          <section aria-labelledby="series-heading">
            <h2 id="series-heading">Orders per {bucket}</h2>
            <Show loaded={orders} what="the order series">
              {(body) => <SeriesCharts body={body} />}
            </Show>
          </section>
          <section aria-labelledby="forecast-heading">
            <h2 id="forecast-heading">Forecast</h2>
            <ForecastSection forecast={forecast} orders={orders} metric={metric} currency={currency} />
          </section>
          <div class="two-columns">
            <section aria-labelledby="funnel-heading">
              <h2 id="funnel-heading">Funnel</h2>
              <Show loaded={funnel} what="the funnel">
                {(body) => <FunnelBars funnel={body} />}
              </Show>
            </section>
            <section aria-labelledby="durations-heading">
              <h2 id="durations-heading">Stage durations</h2>
              <Show loaded={durations} what="durations">
                {(body) => <DurationTable durations={body} />}
              </Show>
            </section>
          </div>
          <section aria-labelledby="logistics-heading">
            <h2 id="logistics-heading">Logistics</h2>
            <Show loaded={logistics} what="logistics">
              {(body) => <LogisticsTables logistics={body} />}
            </Show>
          </section>
        </>
      )}
    </>
  );
}

/** Backtest errors; MASE is null when the history cannot scale it (a perfectly seasonal series). */
const decimal = (value: number | null | undefined) => (typeof value === 'number' && Number.isFinite(value) ? value.toFixed(3) : 'n/a');

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

function SeriesCharts({ body }: { body: OrdersSeries }) {
  const charts = useMemo(() => {
    const xs = body.series[0]?.points.map((point) => seconds(point.at)) ?? [];
    const grouped = body.series.length > 1 || body.series[0]?.key !== null;
    const counts: ChartSeries[] = grouped
      ? body.series.map((one, i) => ({ label: `placed: ${one.key ?? '(none)'}`, values: one.points.map((p) => p.placed), color: PALETTE[i % PALETTE.length] }))
      : COUNTS.map((name, i) => ({ label: name, values: body.series[0]?.points.map((p) => p[name]) ?? [], color: PALETTE[i % PALETTE.length] }));
    const currencies = [...new Set(body.series.flatMap((one) => one.points.flatMap((p) => [...Object.keys(p.revenue ?? {}), ...Object.keys(p.refunds ?? {})])))].sort();
    const revenue: ChartSeries[] = currencies.flatMap((code, i) => [
      { label: `revenue ${code}`, values: xs.map((_, row) => body.series.reduce((sum, one) => sum + (one.points[row]?.revenue?.[code] ?? 0), 0) / 10 ** minorDigits(code)), color: PALETTE[(2 * i) % PALETTE.length] },
      { label: `refunds ${code}`, values: xs.map((_, row) => body.series.reduce((sum, one) => sum + (one.points[row]?.refunds?.[code] ?? 0), 0) / 10 ** minorDigits(code)), color: PALETTE[(2 * i + 1) % PALETTE.length], dash: [6, 4] },
    ]);
    return { xs, counts, revenue, grouped };
  }, [body]);
  if (charts.xs.length === 0) return <p>No buckets in this window.</p>;
  return (
    <>
      <Chart id="orders-chart" title={charts.grouped ? `Orders placed per ${body.bucket}, by group` : `Order events per ${body.bucket}`} xs={charts.xs} series={charts.counts} />
      {charts.revenue.length > 0 ? (
        <Chart id="revenue-chart" title={`Revenue and refunds per ${body.bucket} (major units, per currency; never summed across currencies)`} xs={charts.xs} series={charts.revenue} />
      ) : (
        <p>No revenue in this window.</p>
      )}
    </>
  );
}

function ForecastSection({ forecast, orders, metric, currency }: { forecast: Loaded<Forecast>; orders: Loaded<OrdersSeries>; metric: string; currency: string }) {
  if (metric === 'revenue' && !/^[A-Z]{3}$/.test(currency)) return <p>Choose a currency to forecast revenue.</p>;
  if (forecast.state === 'done' && !forecast.answer.ok && forecast.answer.status === 422) {
    return (
      <p class="notice notice-info" role="status">
        Not enough history to forecast yet: {forecast.answer.problem.detail}
      </p>
    );
  }
  return (
    <Show loaded={forecast} what="the forecast">
      {(body) => <ForecastChart forecast={body} history={orders.state === 'done' && orders.answer.ok ? orders.answer.body : undefined} />}
    </Show>
  );
}

function ForecastChart({ forecast, history }: { forecast: Forecast; history: OrdersSeries | undefined }) {
  const chart = useMemo(() => {
    const scale = forecast.metric === 'revenue' ? 10 ** minorDigits(forecast.currency) : 1;
    const past = new Map<number, number>();
    if (history && history.bucket === forecast.bucket) {
      for (const one of history.series) {
        for (const point of one.points) {
          const value = forecast.metric === 'revenue' ? (point.revenue?.[forecast.currency ?? ''] ?? 0) : point.placed;
          past.set(seconds(point.at), (past.get(seconds(point.at)) ?? 0) + value);
        }
      }
    }
    const ahead = new Map(forecast.points.map((point) => [seconds(point.at), point]));
    const xs = [...new Set([...past.keys(), ...ahead.keys()])].sort((a, b) => a - b);
    const pick = (key: 'value' | 'lower80' | 'upper80' | 'lower95' | 'upper95') => xs.map((x) => (ahead.has(x) ? (ahead.get(x) as Forecast['points'][number])[key] / scale : null));
    const series: ChartSeries[] = [
      { label: 'actual', values: xs.map((x) => (past.has(x) ? (past.get(x) as number) / scale : null)), color: '#1a1a1a' },
      { label: 'forecast', values: pick('value'), color: '#0b57d0', dash: [6, 4] },
      { label: 'upper 80%', values: pick('upper80'), color: '#5b8def', bandEdge: true },
      { label: 'lower 80%', values: pick('lower80'), color: '#5b8def', bandEdge: true },
      { label: 'upper 95%', values: pick('upper95'), color: '#9db8f0', bandEdge: true },
      { label: 'lower 95%', values: pick('lower95'), color: '#9db8f0', bandEdge: true },
    ];
    const bands = [
      { upper: 4, lower: 5, fill: 'rgba(11, 87, 208, 0.10)' },
      { upper: 2, lower: 3, fill: 'rgba(11, 87, 208, 0.20)' },
    ];
    return { xs, series, bands };
  }, [forecast, history]);
  const { backtest } = forecast;
  const label = forecast.metric === 'revenue' ? `revenue (${forecast.currency})` : 'orders placed';
  return (
    <>
      <Chart id="forecast-chart" title={`Forecast of ${label} per ${forecast.bucket} with 80% and 95% bands (${forecast.method})`} xs={chart.xs} series={chart.series} bands={chart.bands} />
      <TableBox label="Backtest error">
        <table class="backtest">
          <caption>
            Backtest: rolling origin, {backtest.origins} origins, horizon {backtest.horizon}; trained on {forecast.trainedOn.points} points
          </caption>
          <thead>
            <tr>
              <th scope="col">Method</th>
              <th scope="col">sMAPE (%)</th>
              <th scope="col">MASE</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">{forecast.method}</th>
              <td class="num">{decimal(backtest.smape)}</td>
              <td class="num">{decimal(backtest.mase)}</td>
            </tr>
            <tr>
              <th scope="row">{backtest.baseline.method} (baseline)</th>
              <td class="num">{decimal(backtest.baseline.smape)}</td>
              <td class="num">{decimal(backtest.baseline.mase)}</td>
            </tr>
          </tbody>
        </table>
      </TableBox>
    </>
  );
}

function FunnelBars({ funnel }: { funnel: Funnel }) {
  const steps: [string, number, number | undefined][] = [
    ['placed', funnel.placed, 1],
    ['authorized', funnel.authorized, funnel.conversion.authorized],
    ['paid', funnel.paid, funnel.conversion.paid],
    ['shipped', funnel.shipped, funnel.conversion.shipped],
    ['delivered', funnel.delivered, funnel.conversion.delivered],
    ['cancelled', funnel.cancelled, funnel.placed ? funnel.cancelled / funnel.placed : 0],
    ['refunded', funnel.refunded, funnel.placed ? funnel.refunded / funnel.placed : 0],
  ];
  return (
    <TableBox label="Funnel">
      <table class="funnel">
        <caption class="visually-hidden">Orders placed in the window and how far they got</caption>
        <thead>
          <tr>
            <th scope="col">Stage</th>
            <th scope="col">Orders</th>
            <th scope="col">Share of placed</th>
          </tr>
        </thead>
        <tbody>
          {steps.map(([stage, count, share]) => (
            <tr key={stage}>
              <th scope="row">{stage}</th>
              <td class="num">{count}</td>
              <td>
                <span class="bar-track" aria-hidden="true">
                  <span class="bar" style={{ width: `${Math.round((share ?? 0) * 100)}%` }} />
                </span>
                <span class="bar-label">{((share ?? 0) * 100).toFixed(1)}%</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}

function DurationTable({ durations }: { durations: Durations }) {
  if (durations.items.length === 0) return <p>No stage completed in this window.</p>;
  return (
    <TableBox label="Stage durations">
      <table>
        <thead>
          <tr>
            <th scope="col">Stage</th>
            <th scope="col">Group</th>
            <th scope="col">Count</th>
            <th scope="col">p50</th>
            <th scope="col">p90</th>
            <th scope="col">p99</th>
            <th scope="col">max</th>
          </tr>
        </thead>
        <tbody>
          {durations.items.map((item) => (
            <tr key={`${item.stage}/${item.key}`}>
              <th scope="row">{item.stage}</th>
              <td>{item.key ?? 'all'}</td>
              <td class="num">{item.count}</td>
              <td class="num">{formatSeconds(item.p50Seconds)}</td>
              <td class="num">{formatSeconds(item.p90Seconds)}</td>
              <td class="num">{formatSeconds(item.p99Seconds)}</td>
              <td class="num">{formatSeconds(item.maxSeconds)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}

function LogisticsTables({ logistics }: { logistics: Logistics }) {
  return (
    <div class="two-columns">
      <TableBox label="Carriers">
        <table>
          <caption>Carriers</caption>
          <thead>
            <tr>
              <th scope="col">Carrier</th>
              <th scope="col">Shipments</th>
              <th scope="col">Delivered</th>
              <th scope="col">Exceptions</th>
              <th scope="col">Exception rate</th>
              <th scope="col">Transit p50</th>
            </tr>
          </thead>
          <tbody>
            {logistics.carriers.map((carrier) => (
              <tr key={carrier.carrier}>
                <th scope="row">{carrier.carrier}</th>
                <td class="num">{carrier.shipments}</td>
                <td class="num">{carrier.delivered}</td>
                <td class="num">{carrier.exceptions}</td>
                <td class="num">{(carrier.exceptionRate * 100).toFixed(1)}%</td>
                <td class="num">{formatSeconds(carrier.transitP50Seconds)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableBox>
      <TableBox label="Locations">
        <table>
          <caption>Locations</caption>
          <thead>
            <tr>
              <th scope="col">Location</th>
              <th scope="col">Arrivals</th>
              <th scope="col">Departures</th>
              <th scope="col">Exceptions</th>
              <th scope="col">Dwell p50</th>
              <th scope="col">Dwell p90</th>
            </tr>
          </thead>
          <tbody>
            {logistics.locations.map((location) => (
              <tr key={location.location}>
                <th scope="row">{location.location}</th>
                <td class="num">{location.arrivals}</td>
                <td class="num">{location.departures}</td>
                <td class="num">{location.exceptions}</td>
                <td class="num">{formatSeconds(location.dwellP50Seconds)}</td>
                <td class="num">{formatSeconds(location.dwellP90Seconds)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableBox>
    </div>
  );
}
