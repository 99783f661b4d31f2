import { useEffect, useState } from 'preact/hooks';
import { type Answer, call } from '../api';
import { PageTitle, ProblemNotice, Show, TableBox, UpdatedAt } from '../components/ui';
import { useApi } from '../hooks';
import { formatSeconds, formatTime, formatValue } from '../lib/format';
import { currentSession } from '../session';
import { Link, withQuery } from '../router';

interface Projection {
  name: string;
  version: number | string;
  status: string;
  lagEvents: number;
  lagSeconds: number;
  rebuild?: unknown;
}

interface RebuildProgress {
  rebuildId: string;
  status: 'running' | 'verifying' | 'swapped' | 'verified' | 'failed';
  processed: number;
  total: number;
  eventsPerSecond: number;
  etaSeconds: number | null;
  differences?: number;
}

const FINISHED = new Set(['swapped', 'verified', 'failed']);

export function OperationsPage() {
  const admin = currentSession()?.role === 'admin';
  const [projections] = useApi<{ items: Projection[] }>('query', '/projections', { pollMs: 2000 });
  return (
    <>
      <PageTitle title="Operations">Operations</PageTitle>
      <section aria-labelledby="projections-heading">
        <h2 id="projections-heading">Projections</h2>
        <UpdatedAt loaded={projections} everySeconds={2} />
        <Show loaded={projections} what="projections">
          {(body) => (
            <TableBox label="Projections">
              <table class="projections">
                <thead>
                  <tr>
                    <th scope="col">Projection</th>
                    <th scope="col">Status</th>
                    <th scope="col">Version</th>
                    <th scope="col">Lag (events)</th>
                    <th scope="col">Lag (time)</th>
                  </tr>
                </thead>
                <tbody>
                  {body.items.map((projection) => (
                    <tr key={projection.name} data-projection={projection.name}>
                      <th scope="row">{projection.name}</th>
                      <td>
                        <span class={`badge badge-${projection.status}`}>{projection.status}</span>
                      </td>
                      <td class="num">{String(projection.version)}</td>
                      <td class="num">{projection.lagEvents}</td>
                      <td class="num">{formatSeconds(projection.lagSeconds)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableBox>
          )}
        </Show>
      </section>
      {admin && projections.state === 'done' && projections.answer.ok ? <Rebuilds names={projections.answer.body.items.map((p) => p.name)} /> : null}
      {projections.state === 'done' && projections.answer.ok ? <ParkedEvents names={projections.answer.body.items.map((p) => p.name)} admin={admin} /> : null}
      {admin ? <Integrity /> : null}
    </>
  );
}

/** Start a rebuild (or a verify-only run) of a view and watch its progress until it ends. */
function Rebuilds({ names }: { names: string[] }) {
  return (
    <section aria-labelledby="rebuild-heading">
      <h2 id="rebuild-heading">Rebuild</h2>
      <p class="muted">
        Verify rebuilds a view beside the live one and reports its differences without swapping. Rebuild also swaps the new view in.
      </p>
      <ul class="rebuilds">
        {names.map((name) => (
          <RebuildRow key={name} name={name} />
        ))}
      </ul>
    </section>
  );
}

function RebuildRow({ name }: { name: string }) {
  const [progress, setProgress] = useState<Answer<RebuildProgress> | undefined>();
  const [started, setStarted] = useState<Answer<{ rebuildId: string }> | undefined>();
  const [watching, setWatching] = useState(0);
  const path = `/projections/${encodeURIComponent(name)}/rebuild`;
  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      const answer = await call<RebuildProgress>('projector', path);
      if (cancelled) return;
      setProgress(answer);
      if (answer.ok && !FINISHED.has(answer.body.status)) timer = setTimeout(() => void poll(), 500);
    };
    void poll();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [path, watching]);
  const start = async (verifyOnly: boolean) => {
    if (!verifyOnly && !window.confirm(`Rebuild ${name} and swap the new view in?`)) return;
    const answer = await call<{ rebuildId: string }>('projector', path, { method: 'POST', body: verifyOnly ? { verifyOnly: true } : {} });
    setStarted(answer);
    setWatching((n) => n + 1);
  };
  const current = progress?.ok ? progress.body : undefined;
  const running = current !== undefined && !FINISHED.has(current.status);
  return (
    <li class="rebuild" data-rebuild={name}>
      <div class="rebuild-head">
        <strong>{name}</strong>
        <span class="actions">
          <button type="button" onClick={() => void start(true)} disabled={running} aria-label={`Verify ${name}`}>
            Verify
          </button>
          <button type="button" class="secondary" onClick={() => void start(false)} disabled={running} aria-label={`Rebuild ${name}`}>
            Rebuild
          </button>
        </span>
      </div>
      {started && !started.ok ? <ProblemNotice problem={started.problem} what="rebuild" /> : null}
      {current ? (
        <div class="rebuild-progress" role="status" aria-live="polite">
          <progress max={Math.max(current.total, 1)} value={current.status === 'verified' || current.status === 'swapped' ? Math.max(current.total, 1) : current.processed} aria-label={`${name} rebuild progress`} />
          <span class="rebuild-status">
            <span class={`badge badge-${current.status}`}>{current.status}</span> {current.processed} / {current.total} events
            {running ? `, ${Math.round(current.eventsPerSecond)} events/s, ETA ${formatSeconds(current.etaSeconds)}` : ''}
            {current.differences !== undefined ? (
              <>
                , <span class="differences">differences: {current.differences}</span>
              </>
            ) : null}
          </span>
        </div>
      ) : progress && !progress.ok && progress.status !== 404 ? (
        <ProblemNotice problem={progress.problem} what="rebuild status" />
      ) : (
        <p class="muted small">Not rebuilt since the projector started.</p>
      )}
    </li>
  );
}

interface Parked {
  id: string;
  orderId: string;
  version: number;
  type: string;
  error: string;
  attempts: number;
  waiting: boolean;
  parkedAt: string;
}

/**
 * Events a projection could not apply (`GET /projections/{name}/parked` on the projector, from
 * the parked-events table or the dead-letter topic): staff see them, an admin replays an order's
 * parked run once its cause is fixed.
 */
function ParkedEvents({ names, admin }: { names: string[]; admin: boolean }) {
  return (
    <section aria-labelledby="parked-heading">
      <h2 id="parked-heading">Parked events</h2>
      <p class="muted">
        An event a projection failed to apply after its retries is parked with its error; the order’s later events wait behind it. Replay delivers the order’s parked events again, in
        version order.
      </p>
      {names.map((name) => (
        <ParkedOf key={name} name={name} admin={admin} />
      ))}
    </section>
  );
}

function ParkedOf({ name, admin }: { name: string; admin: boolean }) {
  const [cursor, setCursor] = useState('');
  const [loaded, reload] = useApi<{ items: Parked[]; nextCursor: string | null }>('projector', withQuery(`/projections/${encodeURIComponent(name)}/parked`, { cursor }), { pollMs: 10_000 });
  const [replayed, setReplayed] = useState<{ id: string; answer: Answer<{ replayed: number; fromVersion: number; throughVersion: number }> } | undefined>();
  const [busy, setBusy] = useState<string | undefined>();
  const replay = async (parked: Parked) => {
    setBusy(parked.id);
    const answer = await call<{ replayed: number; fromVersion: number; throughVersion: number }>('projector', `/projections/${encodeURIComponent(name)}/parked/${encodeURIComponent(parked.id)}/replay`, { method: 'POST' });
    setReplayed({ id: parked.id, answer });
    setBusy(undefined);
    reload();
  };
  return (
    <div class="parked" data-parked-of={name}>
      {loaded.state === 'done' && loaded.answer.ok && loaded.answer.body.items.length === 0 && !cursor && !replayed ? null : <h3>{name}</h3>}
      {replayed ? (
        replayed.answer.ok ? (
          <p class="notice notice-info" role="status">
            Replayed {replayed.answer.body.replayed} event{replayed.answer.body.replayed === 1 ? '' : 's'} of order {replayed.id.split('.')[0]} (v{replayed.answer.body.fromVersion}–v
            {replayed.answer.body.throughVersion}).
          </p>
        ) : (
          <ProblemNotice problem={replayed.answer.problem} what={`replay of ${replayed.id}`} />
        )
      ) : null}
      <Show loaded={loaded} what={`parked events of ${name}`} optionalRoute={{ feature: 'Parked events', route: 'GET /projections/{name}/parked' }}>
        {(page) =>
          page.items.length === 0 && !cursor ? (
            <p class="parked-none">
              <strong>{name}</strong>: no parked events.
            </p>
          ) : (
            <>
              <TableBox label={`Parked events of ${name}`}>
                <table class="parked-events">
                  <thead>
                    <tr>
                      <th scope="col">Order</th>
                      <th scope="col">Version</th>
                      <th scope="col">Event</th>
                      <th scope="col">State</th>
                      <th scope="col">Error</th>
                      <th scope="col">Attempts</th>
                      <th scope="col">Parked</th>
                      {admin ? <th scope="col">Replay</th> : null}
                    </tr>
                  </thead>
                  <tbody>
                    {page.items.map((parked) => (
                      <tr key={parked.id} data-parked={parked.id}>
                        <td>
                          <Link href={`/orders/${parked.orderId}`} class="mono small">
                            {parked.orderId}
                          </Link>
                        </td>
                        <td class="num">{parked.version}</td>
                        <td>{parked.type}</td>
                        <td>{parked.waiting ? <span class="badge badge-waiting">waiting</span> : <span class="badge badge-failed">failed</span>}</td>
                        <td class="small">{parked.error}</td>
                        <td class="num">{parked.attempts}</td>
                        <td>{formatTime(parked.parkedAt)}</td>
                        {admin ? (
                          <td>
                            {parked.waiting ? (
                              <span class="muted small">with v{page.items.find((other) => other.orderId === parked.orderId && !other.waiting)?.version ?? 'its first'}</span>
                            ) : (
                              <button type="button" onClick={() => void replay(parked)} disabled={busy !== undefined} aria-label={`Replay ${parked.id}`}>
                                {busy === parked.id ? 'Replaying…' : 'Replay'}
                              </button>
                            )}
                          </td>
                        ) : null}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableBox>
              <nav class="pager" aria-label={`Pages of parked events of ${name}`}>
                {cursor ? (
                  <button type="button" class="link-button" onClick={() => setCursor('')}>
                    First page
                  </button>
                ) : null}
                {page.nextCursor ? (
                  <button type="button" class="link-button" onClick={() => setCursor(page.nextCursor ?? '')}>
                    Next page
                  </button>
                ) : null}
              </nav>
            </>
          )
        }
      </Show>
    </div>
  );
}

interface IntegrityAnswer {
  ok: boolean;
  checked: number;
  firstBroken?: { orderId: string; version: number; position: string };
  repairs?: Record<string, unknown>[];
}

function Integrity() {
  const [answer, setAnswer] = useState<Answer<IntegrityAnswer> | undefined>();
  const [busy, setBusy] = useState(false);
  const check = async () => {
    setBusy(true);
    setAnswer(await call<IntegrityAnswer>('command', '/admin/integrity'));
    setBusy(false);
  };
  const result = answer?.ok ? answer.body : undefined;
  return (
    <section aria-labelledby="integrity-heading">
      <h2 id="integrity-heading">Integrity and repairs</h2>
      <p class="muted">Checks every stream’s hash chain and head against the chain key (reads the whole store).</p>
      <button type="button" onClick={() => void check()} disabled={busy}>
        {busy ? 'Checking…' : 'Check integrity'}
      </button>
      {answer && !answer.ok ? <ProblemNotice problem={answer.problem} what="integrity" /> : null}
      {result ? (
        <div role="status">
          <p class={result.ok ? 'integrity-ok' : 'integrity-broken'}>
            {result.ok ? `Integrity ok: ${result.checked} events checked.` : `Integrity broken (${result.checked} events checked).`}
          </p>
          {result.firstBroken ? (
            <p>
              First broken: order <span class="mono">{result.firstBroken.orderId}</span> at version {result.firstBroken.version} (position {result.firstBroken.position}).
              Repair it with <code>npm run repair -- {result.firstBroken.orderId} --from &lt;export&gt;</code>.
            </p>
          ) : null}
          <h3>Repairs</h3>
          {result.repairs === undefined ? (
            <p class="muted">This server does not report repairs.</p>
          ) : result.repairs.length === 0 ? (
            <p>No repairs recorded.</p>
          ) : (
            <TableBox label="Repairs">
              <table>
                <thead>
                  <tr>
                    {Object.keys(result.repairs[0]).map((key) => (
                      <th key={key} scope="col">
                        {key}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {result.repairs.map((repair, index) => (
                    <tr key={index}>
                      {Object.keys(result.repairs?.[0] ?? {}).map((key) => (
                        <td key={key}>{/At$/.test(key) ? formatTime(String(repair[key])) : formatValue(repair[key])}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableBox>
          )}
        </div>
      ) : null}
    </section>
  );
}
