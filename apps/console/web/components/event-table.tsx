import { formatTime } from '../lib/format';
import { Link } from '../router';
import { TableBox } from './ui';

/** An event as the log routes answer it (`GET /audit/events`, `GET /orders/{id}/history`). */
export interface LogEvent {
  orderId: string;
  position: string;
  version: number;
  type: string;
  recordedAt: string;
  occurredAt: string;
  actor: string;
  correlationId: string;
  data?: unknown;
  voidedBy?: number;
}

export type EventColumn = 'position' | 'version' | 'event' | 'order' | 'recorded' | 'occurred' | 'actor' | 'correlation' | 'data';

const HEADINGS: Record<EventColumn, string> = {
  position: 'Position',
  version: 'Version',
  event: 'Event',
  order: 'Order',
  recorded: 'Recorded',
  occurred: 'Occurred',
  actor: 'Actor',
  correlation: 'Correlation id',
  data: 'Data',
};

/**
 * The one renderer of event rows, for the event log and an order's timeline: each page picks
 * its columns. A version links to the state after it; `selected` marks the version shown.
 */
export function EventTable({ label, caption, tableClass, events, columns, selected }: { label: string; caption: string; tableClass: string; events: LogEvent[]; columns: EventColumn[]; selected?: number }) {
  return (
    <TableBox label={label}>
      <table class={tableClass}>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {HEADINGS[column]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={`${event.orderId} ${event.version}`} class={event.version === selected ? 'selected' : undefined} data-version={event.version}>
              {columns.map((column) => (
                <EventCell key={column} column={column} event={event} selected={event.version === selected} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}

function EventCell({ column, event, selected }: { column: EventColumn; event: LogEvent; selected: boolean }) {
  const stateAfter = `/orders/${event.orderId}?version=${event.version}`;
  switch (column) {
    case 'position':
      return <td class="num">{event.position}</td>;
    case 'version':
      return (
        <td>
          <Link href={stateAfter} aria-current={selected ? 'true' : undefined}>
            <span class="visually-hidden">State after </span>v{event.version}
          </Link>
        </td>
      );
    case 'event':
      return (
        <td>
          <span class="event-type">{event.type}</span>
          {event.voidedBy ? <span class="badge badge-voided">voided by v{event.voidedBy}</span> : null}
        </td>
      );
    case 'order':
      return (
        <td>
          <Link href={stateAfter} class="mono small">
            {event.orderId}
          </Link>
        </td>
      );
    case 'recorded':
      return <td>{formatTime(event.recordedAt)}</td>;
    case 'occurred':
      return <td>{formatTime(event.occurredAt)}</td>;
    case 'actor':
      return <td class="mono">{event.actor}</td>;
    case 'correlation':
      return <td class="mono small">{event.correlationId}</td>;
    case 'data':
      return (
        <td>
          <details>
            <summary>data</summary>
            <pre>{JSON.stringify(event.data, null, 2)}</pre>
          </details>
        </td>
      );
  }
}
