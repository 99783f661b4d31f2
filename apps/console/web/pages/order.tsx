import { Field, PageTitle, ProblemNotice, Show, StatusBadge, TableBox } from '../components/ui';
import { EventTable, type LogEvent } from '../components/event-table';
import { useApi } from '../hooks';
import { type Change, diffStates } from '../lib/diff';
import { formatMoney, formatSeconds, formatTime, formatValue, isoToLocalInput, localInputToIso } from '../lib/format';
import { Link, navigate, withQuery } from '../router';
import { currentSession, isStaff } from '../session';
import { RevertDryRun } from './revert';

export interface TrackingView {
  orderId: string;
  orderNumber?: string;
  customerId: string;
  status: string;
  currency: string;
  items: { sku: string; name?: string; quantity: number; unitPrice: number }[];
  total: number;
  payment: { status: string | null; method: string | null; authorized: number; captured: number; refunded: number };
  shipment: { status: string | null; carrier: string | null; trackingNumber: string | null; lastCheckpoint: unknown };
  timeline: { status: string; at: string }[];
  placedAt: string;
  updatedAt: string;
  version: number;
}

type HistoryEvent = Omit<LogEvent, 'orderId'>;

export function OrderPage({ orderId, query }: { orderId: string; query: URLSearchParams }) {
  const id = encodeURIComponent(orderId);
  const [view] = useApi<TrackingView>('query', `/orders/${id}`);
  const [history] = useApi<{ events: HistoryEvent[] }>('query', `/orders/${id}/history`);
  const latest = view.state === 'done' && view.answer.ok ? view.answer.body.version : undefined;
  const wanted = Number(query.get('version'));
  const version = Number.isInteger(wanted) && wanted >= 1 && (latest === undefined || wanted <= latest) ? wanted : latest;

  if (view.state === 'done' && !view.answer.ok) {
    return (
      <>
        <PageTitle title="Order not found">{view.answer.status === 404 ? 'Order not found' : 'Order'}</PageTitle>
        {view.answer.status === 404 ? (
          <p class="notice notice-info" role="status">
            There is no order <code>{orderId}</code> that this key may see.
          </p>
        ) : (
          <ProblemNotice problem={view.answer.problem} what="order" />
        )}
        <p>
          <Link href="/orders">Back to the orders</Link>
        </p>
      </>
    );
  }
  const title = view.state === 'done' && view.answer.ok ? (view.answer.body.orderNumber ?? orderId) : orderId;
  return (
    <>
      <PageTitle title={`Order ${title}`}>
        Order <span class="mono">{title}</span>
      </PageTitle>
      <Show loaded={view} what="the order">
        {(order) => <OrderSummary order={order} />}
      </Show>
      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <Show loaded={history} what="the history">
          {(body) => (
            <EventTable
              label="Timeline"
              caption="Every event of the order, in version order"
              tableClass="timeline"
              events={body.events.map((event) => ({ ...event, orderId }))}
              columns={['version', 'event', 'recorded', 'occurred', 'actor', 'correlation', 'data']}
              selected={version}
            />
          )}
        </Show>
      </section>
      <AsOfForm orderId={orderId} asOf={query.get('asOf') ?? ''} />
      {query.get('asOf') ? <AsOfState orderId={orderId} asOf={query.get('asOf') ?? ''} /> : version !== undefined ? <VersionState orderId={orderId} version={version} /> : null}
      <div class="two-columns">
        <Payments orderId={orderId} />
        <Shipment orderId={orderId} />
      </div>
      {isStaff(currentSession()) && latest !== undefined && latest > 1 ? <RevertDryRun orderId={orderId} version={latest} /> : null}
    </>
  );
}

function OrderSummary({ order }: { order: TrackingView }) {
  return (
    <dl class="summary">
      <div>
        <dt>Status</dt>
        <dd>
          <StatusBadge status={order.status} />
        </dd>
      </div>
      <div>
        <dt>Customer</dt>
        <dd>{order.customerId}</dd>
      </div>
      <div>
        <dt>Total</dt>
        <dd>{formatMoney(order.total, order.currency)}</dd>
      </div>
      <div>
        <dt>Version</dt>
        <dd>{order.version}</dd>
      </div>
      <div>
        <dt>Placed</dt>
        <dd>{formatTime(order.placedAt)}</dd>
      </div>
      <div>
        <dt>Updated</dt>
        <dd>{formatTime(order.updatedAt)}</dd>
      </div>
    </dl>
  );
}

/** Time travel by recorded time: `?asOf=` in the URL, like `?version=`. */
function AsOfForm({ orderId, asOf }: { orderId: string; asOf: string }) {
  const submit = (event: Event) => {
    event.preventDefault();
    const value = String(new FormData(event.target as HTMLFormElement).get('asOf') ?? '');
    navigate(withQuery(`/orders/${orderId}`, { asOf: localInputToIso(value) }));
  };
  return (
    <form class="filters" onSubmit={submit} aria-label="Time travel">
      <Field label="State as of (UTC, recorded time)">
        <input type="datetime-local" step={1} name="asOf" defaultValue={isoToLocalInput(asOf)} required />
      </Field>
      <div class="actions">
        <button type="submit">Show</button>
        {asOf ? <Link href={`/orders/${orderId}`}>Latest version</Link> : null}
      </div>
    </form>
  );
}

function AsOfState({ orderId, asOf }: { orderId: string; asOf: string }) {
  const [state] = useApi<TrackingView>('query', withQuery(`/orders/${encodeURIComponent(orderId)}/state`, { asOf }));
  if (state.state === 'done' && !state.answer.ok && state.answer.status === 404) {
    return (
      <p class="notice notice-info" role="status">
        The order did not exist yet at {formatTime(asOf)}.
      </p>
    );
  }
  return (
    <Show loaded={state} what={`the state as of ${formatTime(asOf)}`}>
      {(view) => <VersionState orderId={orderId} version={view.version} />}
    </Show>
  );
}

/** Time travel: the tracking view as it stood after `version`, and what that version changed. */
function VersionState({ orderId, version }: { orderId: string; version: number }) {
  const id = encodeURIComponent(orderId);
  const [after] = useApi<TrackingView>('query', `/orders/${id}/state?asOfVersion=${version}`);
  const [before] = useApi<TrackingView>('query', version > 1 ? `/orders/${id}/state?asOfVersion=${version - 1}` : null);
  return (
    <section aria-labelledby="state-heading">
      <h2 id="state-heading">State after version {version}</h2>
      <Show loaded={after} what={`the state at version ${version}`}>
        {(state) =>
          version === 1 ? (
            <StateAndChanges state={state} changes={diffStates(undefined, state)} from={undefined} />
          ) : (
            <Show loaded={before} what={`the state at version ${version - 1}`}>
              {(previous) => <StateAndChanges state={state} changes={diffStates(previous, state)} from={version - 1} />}
            </Show>
          )
        }
      </Show>
    </section>
  );
}

function StateAndChanges({ state, changes, from }: { state: TrackingView; changes: Change[]; from: number | undefined }) {
  return (
    <div class="two-columns">
      <div>
        <h3 id="changes-heading">{from === undefined ? 'Created with' : `Changes from version ${from}`}</h3>
        <ChangesTable changes={changes} label={from === undefined ? 'Fields the order was created with' : `Changes from version ${from}`} />
      </div>
      <div>
        <h3>
          Status then: <StatusBadge status={state.status} />
        </h3>
        <details>
          <summary>Whole tracking view at version {state.version}</summary>
          <pre class="state-json">{JSON.stringify(state, null, 2)}</pre>
        </details>
      </div>
    </div>
  );
}

export function ChangesTable({ changes, label }: { changes: Change[]; label: string }) {
  if (changes.length === 0) return <p>No field changed.</p>;
  return (
    <TableBox label={label}>
      <table class="changes">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((change) => (
            <tr key={change.path} class={`change-${change.kind}`}>
              <th scope="row" class="mono">
                {change.path}
              </th>
              <td class="mono">{change.kind === 'added' ? <em>(none)</em> : formatValue(change.before)}</td>
              <td class="mono">{change.kind === 'removed' ? <em>(removed)</em> : formatValue(change.after)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}

interface PaymentsView {
  currency: string;
  records: { kind: string; amount: number; method: string | null; result: string | null; reason: string | null; at: string }[];
  authorized: number;
  captured: number;
  refunded: number;
}

function Payments({ orderId }: { orderId: string }) {
  const [payments] = useApi<PaymentsView>('query', `/payments/${encodeURIComponent(orderId)}`);
  return (
    <section aria-labelledby="payments-heading">
      <h2 id="payments-heading">Payments</h2>
      <Show loaded={payments} what="payments">
        {(view) =>
          view.records.length === 0 ? (
            <p>No payment yet.</p>
          ) : (
            <>
              <p>
                Authorized {formatMoney(view.authorized, view.currency)}, captured {formatMoney(view.captured, view.currency)}, refunded{' '}
                {formatMoney(view.refunded, view.currency)}.
              </p>
              <TableBox label="Payment records">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Kind</th>
                      <th scope="col">Amount</th>
                      <th scope="col">Method</th>
                      <th scope="col">Result / reason</th>
                      <th scope="col">At</th>
                    </tr>
                  </thead>
                  <tbody>
                    {view.records.map((record, index) => (
                      <tr key={index}>
                        <td>{record.kind}</td>
                        <td class="num">{formatMoney(record.amount, view.currency)}</td>
                        <td>{record.method ?? '–'}</td>
                        <td>{[record.result, record.reason].filter(Boolean).join(': ') || '–'}</td>
                        <td>{formatTime(record.at)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableBox>
            </>
          )
        }
      </Show>
    </section>
  );
}

interface ShipmentView {
  status: string;
  carrier: string;
  trackingNumber: string;
  warehouse: string;
  dispatchedAt: string;
  deliveredAt: string | null;
  route: { location: string; kind: string; at: string; dwellSeconds: number | null }[];
}

function Shipment({ orderId }: { orderId: string }) {
  const [shipment] = useApi<ShipmentView>('query', `/shipments/${encodeURIComponent(orderId)}`);
  return (
    <section aria-labelledby="shipment-heading">
      <h2 id="shipment-heading">Shipment route</h2>
      {shipment.state === 'done' && !shipment.answer.ok && shipment.answer.status === 404 ? (
        <p>Not shipped yet.</p>
      ) : (
        <Show loaded={shipment} what="the shipment">
          {(view) => (
            <>
              <p>
                {view.carrier} <span class="mono">{view.trackingNumber}</span> from {view.warehouse}, dispatched {formatTime(view.dispatchedAt)}
                {view.deliveredAt ? `, delivered ${formatTime(view.deliveredAt)}` : ''}. <StatusBadge status={view.status} />
              </p>
              {view.route.length === 0 ? (
                <p>No checkpoint yet.</p>
              ) : (
                <ol class="route" aria-label="Checkpoints in time order">
                  {view.route.map((stop, index) => (
                    <li key={index}>
                      <strong>{stop.location}</strong> {stop.kind.replace(/_/g, ' ')} at {formatTime(stop.at)}
                      {stop.dwellSeconds !== null && stop.dwellSeconds !== undefined ? ` (stayed ${formatSeconds(stop.dwellSeconds)})` : ''}
                    </li>
                  ))}
                </ol>
              )}
            </>
          )}
        </Show>
      )}
    </section>
  );
}
