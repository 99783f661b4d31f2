import { orderStatuses } from '@ordersource/domain/state';
import { useState } from 'preact/hooks';
import { call } from '../api';
import { Choices, Field, PageTitle, ProblemNotice, Show, StatusBadge, TableBox } from '../components/ui';
import { useApi } from '../hooks';
import { formatMoney, formatTime, isoToLocalInput, localInputToIso, UUID } from '../lib/format';
import { Link, navigate, withQuery } from '../router';
import { currentSession, isStaff } from '../session';


export interface OrderSummary {
  orderId: string;
  orderNumber?: string;
  customerId: string;
  status: string;
  currency: string;
  total: number;
  placedAt: string;
  version: number;
}

const FILTERS = ['status', 'customerId', 'placedFrom', 'placedTo'] as const;

export function OrdersPage({ query }: { query: URLSearchParams }) {
  const staff = isStaff(currentSession());
  const filters = Object.fromEntries(FILTERS.map((name) => [name, query.get(name) ?? ''])) as Record<(typeof FILTERS)[number], string>;
  const cursor = query.get('cursor') ?? '';
  const path = withQuery('/orders', { ...filters, customerId: staff ? filters.customerId : '', cursor, limit: '50' });
  const [loaded] = useApi<{ items: OrderSummary[]; nextCursor: string | null }>('query', path);

  const apply = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const value = (name: string) => String(form.get(name) ?? '').trim();
    navigate(
      withQuery('/orders', {
        status: value('status'),
        customerId: value('customerId'),
        placedFrom: localInputToIso(value('placedFrom')),
        placedTo: localInputToIso(value('placedTo')),
      }),
    );
  };

  return (
    <>
      <PageTitle title="Orders">Orders</PageTitle>
      <OrderSearch />
      <form class="filters" onSubmit={apply} aria-label="Filter orders">
        <Field label="Status">
          <select name="status">
            <Choices options={[['', 'any'], ...orderStatuses]} selected={filters.status} />
          </select>
        </Field>
        {staff ? (
          <Field label="Customer id">
            <input name="customerId" defaultValue={filters.customerId} maxLength={64} />
          </Field>
        ) : null}
        <Field label="Placed from (UTC)">
          <input type="datetime-local" name="placedFrom" defaultValue={isoToLocalInput(filters.placedFrom)} />
        </Field>
        <Field label="Placed before (UTC)">
          <input type="datetime-local" name="placedTo" defaultValue={isoToLocalInput(filters.placedTo)} />
        </Field>
        <div class="actions">
          <button type="submit">Apply filters</button>
        </div>
      </form>
      <Show loaded={loaded} what="orders">
        {(page) => (
          <>
            {page.items.length === 0 ? (
              <p>No orders match.</p>
            ) : (
              <TableBox label="Orders">
                <table>
                  <caption class="visually-hidden">Orders, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">Order</th>
                      <th scope="col">Status</th>
                      <th scope="col">Customer</th>
                      <th scope="col">Total</th>
                      <th scope="col">Placed</th>
                      <th scope="col">Version</th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.items.map((order) => (
                      <tr key={order.orderId}>
                        <td>
                          <Link href={`/orders/${order.orderId}`}>{order.orderNumber ?? order.orderId}</Link>
                          {order.orderNumber ? <div class="muted mono small">{order.orderId}</div> : null}
                        </td>
                        <td>
                          <StatusBadge status={order.status} />
                        </td>
                        <td>{order.customerId}</td>
                        <td class="num">{formatMoney(order.total, order.currency)}</td>
                        <td>{formatTime(order.placedAt)}</td>
                        <td class="num">{order.version}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableBox>
            )}
            <Pager nextCursor={page.nextCursor} build={(next) => withQuery('/orders', { ...filters, cursor: next })} first={cursor !== ''} firstHref={withQuery('/orders', filters)} />
          </>
        )}
      </Show>
    </>
  );
}

/** Open an order by its id (UUID) or its order number (`OS-2026-000042`). */
function OrderSearch() {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const submit = async (event: Event) => {
    event.preventDefault();
    const wanted = text.trim();
    setProblem(undefined);
    if (UUID.test(wanted)) return navigate(`/orders/${wanted.toLowerCase()}`);
    const byNumber = await call<{ orderId: string }>('query', `/orders/by-number/${encodeURIComponent(wanted)}`);
    if (byNumber.ok) return navigate(`/orders/${byNumber.body.orderId}`);
    const answered: Record<number, string> = { 400: `${wanted} is neither an order id nor an order number (OS-2026-000042).`, 404: `No order ${wanted} (or it is not yours).` };
    setProblem(answered[byNumber.status] ?? `The query service answered ${byNumber.status}.`);
  };
  return (
    <form class="search" role="search" onSubmit={submit}>
      <Field label="Find an order" hint="Order id (UUID) or order number">
        <input name="orderSearch" value={text} onInput={(event) => setText((event.target as HTMLInputElement).value)} required />
      </Field>
      <div class="actions">
        <button type="submit">Open</button>
      </div>
      {problem ? <ProblemNotice problem={{ status: 404, title: 'Not found', detail: problem }} /> : null}
    </form>
  );
}

export function Pager({ nextCursor, build, first, firstHref }: { nextCursor: string | null; build: (cursor: string) => string; first: boolean; firstHref: string }) {
  if (!nextCursor && !first) return null;
  return (
    <nav class="pager" aria-label="Pages">
      {first ? <Link href={firstHref}>First page</Link> : null}
      {nextCursor ? <Link href={build(nextCursor)}>Next page</Link> : null}
    </nav>
  );
}
