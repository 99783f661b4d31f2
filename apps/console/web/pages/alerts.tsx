import { alertRuleNames } from '@ordersource/monitoring/alert';
import { Choices, Field, PageTitle, Show, TableBox, UpdatedAt } from '../components/ui';
import { useApi } from '../hooks';
import { formatTime, formatValue } from '../lib/format';
import { navigate, withQuery } from '../router';
import { Pager } from './orders';

export interface Alert {
  alertId: string;
  rule: string;
  severity: string;
  state: 'firing' | 'resolved';
  subject: string | null;
  summary: string;
  value?: unknown;
  threshold?: unknown;
  firedAt: string;
  resolvedAt?: string;
}

export function AlertsPage({ query }: { query: URLSearchParams }) {
  const filters = { state: query.get('state') ?? '', rule: query.get('rule') ?? '' };
  const cursor = query.get('cursor') ?? '';
  const [loaded] = useApi<{ items: Alert[]; nextCursor: string | null }>('query', withQuery('/alerts', { ...filters, cursor }), { pollMs: 10_000 });
  const apply = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    navigate(withQuery('/alerts', { state: String(form.get('state') ?? ''), rule: String(form.get('rule') ?? '') }));
  };
  return (
    <>
      <PageTitle title="Alerts">Alerts</PageTitle>
      <form class="filters" onSubmit={apply} aria-label="Filter alerts">
        <Field label="State">
          <select name="state">
            <Choices
              options={[
                ['', 'firing and resolved'],
                'firing',
                'resolved',
              ]}
              selected={filters.state}
            />
          </select>
        </Field>
        <Field label="Rule">
          <select name="rule">
            <Choices options={[['', 'any'], ...alertRuleNames]} selected={filters.rule} />
          </select>
        </Field>
        <div class="actions">
          <button type="submit">Apply filters</button>
        </div>
      </form>
      <UpdatedAt loaded={loaded} everySeconds={10} />
      <Show loaded={loaded} what="alerts" optionalRoute={{ feature: 'Alerting', route: 'GET /alerts' }}>
        {(page) => (
          <>
            <AlertTable alerts={page.items} />
            <Pager nextCursor={page.nextCursor} build={(next) => withQuery('/alerts', { ...filters, cursor: next })} first={cursor !== ''} firstHref={withQuery('/alerts', filters)} />
          </>
        )}
      </Show>
    </>
  );
}

export function AlertTable({ alerts }: { alerts: Alert[] }) {
  if (alerts.length === 0) return <p>No alerts.</p>;
  return (
    <TableBox label="Alerts">
      <table class="alerts">
        <thead>
          <tr>
            <th scope="col">State</th>
            <th scope="col">Rule</th>
            <th scope="col">Severity</th>
            <th scope="col">Subject</th>
            <th scope="col">Summary</th>
            <th scope="col">Value / threshold</th>
            <th scope="col">Fired</th>
            <th scope="col">Resolved</th>
          </tr>
        </thead>
        <tbody>
          {alerts.map((alert) => (
            <tr key={alert.alertId} class={`alert-${alert.state}`}>
              <td>
                <span class={`badge badge-${alert.state}`}>{alert.state}</span>
              </td>
              <td class="mono">{alert.rule}</td>
              <td>{alert.severity}</td>
              <td class="mono small">{alert.subject ?? '–'}</td>
              <td>{alert.summary}</td>
              <td>
                {alert.value !== undefined ? formatValue(alert.value) : '–'}
                {alert.threshold !== undefined ? ` / ${formatValue(alert.threshold)}` : ''}
              </td>
              <td>{formatTime(alert.firedAt)}</td>
              <td>{formatTime(alert.resolvedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}
