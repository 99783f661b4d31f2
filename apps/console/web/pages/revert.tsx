import { useState } from 'preact/hooks';
import { type Answer, call } from '../api';
import { Field, ProblemNotice, Unavailable, isUnknownRoute } from '../components/ui';
import { diffStates } from '../lib/diff';
import { ChangesTable, type TrackingView } from './order';

interface DryRun {
  orderId: string;
  fromVersion: number;
  toVersion: number;
  voided: { version: number; type: string }[];
  before: TrackingView;
  after: TrackingView;
}

/** Staff only: what `POST /orders/{id}/revert` with `dryRun: true` would void; nothing is written. */
export function RevertDryRun({ orderId, version }: { orderId: string; version: number }) {
  const [toVersion, setToVersion] = useState(String(version - 1));
  const [reason, setReason] = useState('');
  const [answer, setAnswer] = useState<Answer<DryRun> | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setAnswer(
      await call<DryRun>('command', `/orders/${encodeURIComponent(orderId)}/revert`, {
        method: 'POST',
        body: { toVersion: Number(toVersion), reason: reason.trim(), dryRun: true },
      }),
    );
    setBusy(false);
  };
  return (
    <section aria-labelledby="revert-heading">
      <h2 id="revert-heading">Revert (dry run)</h2>
      <p class="muted">Shows what reverting to an earlier version would void and how the order would then look. Nothing is written.</p>
      <form class="filters" onSubmit={submit} aria-label="Revert dry run">
        <Field label="Revert to version">
          <select name="toVersion" value={toVersion} onChange={(event) => setToVersion((event.target as HTMLSelectElement).value)}>
            {Array.from({ length: version - 1 }, (_, i) => version - 1 - i).map((v) => (
              <option key={v} value={String(v)}>
                {v}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Reason">
          <input name="reason" value={reason} required maxLength={200} onInput={(event) => setReason((event.target as HTMLInputElement).value)} />
        </Field>
        <div class="actions">
          <button type="submit" disabled={busy || reason.trim() === ''}>
            {busy ? 'Asking…' : 'Dry run'}
          </button>
        </div>
      </form>
      {answer ? <DryRunResult answer={answer} /> : null}
    </section>
  );
}

function DryRunResult({ answer }: { answer: Answer<DryRun> }) {
  if (!answer.ok) {
    if ((answer.status === 404 || answer.status === 405) && isUnknownRoute(answer.problem)) return <Unavailable feature="Reverting" route="POST /orders/{id}/revert" />;
    return <ProblemNotice problem={answer.problem} what="Revert refused" />;
  }
  const run = answer.body;
  return (
    <div class="dry-run" role="status" aria-live="polite">
      <p>
        Reverting from version {run.fromVersion} to {run.toVersion} would void {run.voided.length} event{run.voided.length === 1 ? '' : 's'}:{' '}
        {run.voided.map((event) => `v${event.version} ${event.type}`).join(', ')}.
      </p>
      <ChangesTable changes={diffStates(run.before, run.after)} label="What the revert would change" />
    </div>
  );
}
