import { orderEventTypes } from '@ordersource/domain/events';
import { EventTable, type LogEvent } from '../components/event-table';
import { Field, PageTitle, Show } from '../components/ui';
import { useApi } from '../hooks';
import { isoToLocalInput, localInputToIso } from '../lib/format';
import { navigate, withQuery } from '../router';
import { Pager } from './orders';


/** The event log (`GET /audit/events`) by type, order, actor and recorded-time range; filters in the URL. */
export function EventsPage({ query }: { query: URLSearchParams }) {
  const filters = { type: query.getAll('type'), orderId: query.get('orderId') ?? '', actor: query.get('actor') ?? '', from: query.get('from') ?? '', to: query.get('to') ?? '' };
  const cursor = query.get('cursor') ?? '';
  const [loaded] = useApi<{ items: LogEvent[]; nextCursor: string | null }>('query', withQuery('/audit/events', { ...filters, cursor, limit: '100' }));
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
          {orderEventTypes.map((type) => (
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
              <EventTable
                label="Events"
                caption="Events of the log, in log order"
                tableClass="events"
                events={page.items}
                columns={['position', 'recorded', 'event', 'order', 'version', 'actor', 'correlation']}
              />
            ) : null}
            <Pager nextCursor={page.nextCursor} build={(next) => withQuery('/events', { ...filters, cursor: next })} first={cursor !== ''} firstHref={withQuery('/events', filters)} />
          </>
        )}
      </Show>
    </>
  );
}
