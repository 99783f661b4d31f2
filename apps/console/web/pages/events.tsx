import { Field, PageTitle, Show, TableBox } from '../components/ui';
import { useApi } from '../hooks';
import { formatTime, isoToLocalInput, localInputToIso } from '../lib/format';
import { Link, navigate, withQuery } from '../router';
import { Pager } from './orders';

export const EVENT_TYPES = [
  'OrderPlaced',
  'PaymentAuthorized',
  'PaymentFailed',
  'PaymentCaptured',
  'ShipmentDispatched',
  'ShipmentCheckpointRecorded',
  'OrderDelivered',
  'OrderCancelled',
  'PaymentRefunded',
  'OrderReverted',
];

interface AuditEvent {
  position: string;
  orderId: string;
  version: number;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actor: string;
  correlationId: string;
  hash: string;
}

/** The event log (`GET /audit/events`) by type, order, actor and recorded-time range; filters in the URL. */
export function EventsPage({ query }: { query: URLSearchParams }) {
  const filters = { type: query.getAll('type'), orderId: query.get('orderId') ?? '', actor: query.get('actor') ?? '', from: query.get('from') ?? '', to: query.get('to') ?? '' };
  const cursor = query.get('cursor') ?? '';
  const [loaded] = useApi<{ items: AuditEvent[]; nextCursor: string | null }>('query', withQuery('/audit/events', { ...filters, cursor, limit: '100' }));
  const apply = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const value = (name: string) => String(form.get(name) ?? '').trim();
    navigate(
      withQuery('/events', {
        type: form.getAll('type').map(String),
        orderId: value('orderId'),
        actor: value('actor'),
        from: localInputToIso(value('from')),
        to: localInputToIso(value('to')),
      }),
    );
  };
  return (
    <>
      <PageTitle title="Event log">Event log</PageTitle>
      <form class="filters" onSubmit={apply} aria-label="Filter the event log">
        <fieldset class="types">
          <legend>Event types (none: all)</legend>
          {EVENT_TYPES.map((type) => (
            <label key={type} class="check">
              <input type="checkbox" name="type" value={type} defaultChecked={filters.type.includes(type)} /> {type}
            </label>
          ))}
        </fieldset>
        <Field label="Order id">
          <input name="orderId" defaultValue={filters.orderId} />
        </Field>
        <Field label="Actor" hint="e.g. operator:ops or customer:c-1">
          <input name="actor" defaultValue={filters.actor} />
        </Field>
        <Field label="Recorded from (UTC)">
          <input type="datetime-local" name="from" defaultValue={isoToLocalInput(filters.from)} />
        </Field>
        <Field label="Recorded before (UTC)">
          <input type="datetime-local" name="to" defaultValue={isoToLocalInput(filters.to)} />
        </Field>
        <div class="actions">
          <button type="submit">Apply filters</button>
        </div>
      </form>
      <Show loaded={loaded} what="events">
        {(page) => (
          <>
            <p role="status">
              {page.items.length} event{page.items.length === 1 ? '' : 's'}
              {page.nextCursor ? ' on this page' : ''}.
            </p>
            {page.items.length > 0 ? (
              <TableBox label="Events">
                <table class="events">
                  <thead>
                    <tr>
                      <th scope="col">Position</th>
                      <th scope="col">Recorded</th>
                      <th scope="col">Event</th>
                      <th scope="col">Order</th>
                      <th scope="col">Version</th>
                      <th scope="col">Actor</th>
                      <th scope="col">Correlation id</th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.items.map((event) => (
                      <tr key={event.position}>
                        <td class="num">{event.position}</td>
                        <td>{formatTime(event.recordedAt)}</td>
                        <td>{event.type}</td>
                        <td>
                          <Link href={`/orders/${event.orderId}?version=${event.version}`} class="mono small">
                            {event.orderId}
                          </Link>
                        </td>
                        <td class="num">{event.version}</td>
                        <td class="mono">{event.actor}</td>
                        <td class="mono small">{event.correlationId}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableBox>
            ) : null}
            <Pager nextCursor={page.nextCursor} build={(next) => withQuery('/events', { ...filters, cursor: next })} first={cursor !== ''} firstHref={withQuery('/events', filters)} />
          </>
        )}
      </Show>
    </>
  );
}
