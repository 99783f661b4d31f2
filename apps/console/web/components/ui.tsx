import { cloneElement, type ComponentChildren, type VNode } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import type { Answer, Problem } from '../api';
import type { Loaded } from '../hooks';

/** A page's heading: it takes focus and names the tab when the route changes (screen readers hear the new page). */
export function PageTitle({ children, title }: { children: ComponentChildren; title: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · ordersource console`;
    heading.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <h1 ref={heading} tabIndex={-1}>
      {children}
    </h1>
  );
}

/** Wide tables scroll inside their own box on a phone; the box is reachable by keyboard. */
export function TableBox({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-box" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

export function ProblemNotice({ problem, what }: { problem: Problem; what?: string }) {
  const text =
    problem.status === 403
      ? 'Your key’s role may not use this.'
      : problem.status === 0
        ? (problem.detail ?? 'Network error.')
        : `${problem.title ?? 'Error'} (${problem.status})${problem.detail ? `: ${problem.detail}` : ''}`;
  return (
    <div class="notice notice-error" role="alert">
      {what ? <strong>{what}: </strong> : null}
      {text}
      {problem.errors?.length ? (
        <ul>
          {problem.errors.map((error) => (
            <li key={error.path}>
              <code>{error.path}</code> {error.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** The routes of a feature this server does not have yet (404 on the route itself). */
export function Unavailable({ feature, route }: { feature: string; route: string }) {
  return (
    <div class="notice notice-info" role="status">
      <strong>{feature} is not available on this server.</strong> The services do not answer <code>{route}</code> yet; this page fills in once they do.
    </div>
  );
}

/** On a polled page: when the shown answer came (a poll that fails keeps the time of the last answer shown). */
export function UpdatedAt<T>({ loaded, everySeconds }: { loaded: Loaded<T>; everySeconds: number }) {
  if (loaded.state !== 'done') return null;
  const at = new Date(loaded.receivedAt).toISOString();
  return (
    <p class="muted small updated-at" data-updated-at={at}>
      Updated <time dateTime={at}>{at.slice(11, 19)} UTC</time>, refreshed every {everySeconds} seconds.
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" role="status">
      Loading {what}…
    </p>
  );
}

/** Renders a loaded answer: loading, the problem, "not available" on a 404 of an optional route, or the body. */
export function Show<T>({
  loaded,
  what,
  optionalRoute,
  children,
}: {
  loaded: Loaded<T>;
  what: string;
  optionalRoute?: { feature: string; route: string };
  children: (body: T, answer: Answer<T> & { ok: true }) => ComponentChildren;
}) {
  if (loaded.state === 'loading') return <Loading what={what} />;
  const { answer } = loaded;
  if (answer.ok) return <>{children(answer.body, answer)}</>;
  if (optionalRoute && (answer.status === 404 || answer.status === 405 || answer.status === 501) && isUnknownRoute(answer.problem)) {
    return <Unavailable {...optionalRoute} />;
  }
  return <ProblemNotice problem={answer.problem} what={what} />;
}

/**
 * A route the service lacks answers 404 with the framework's own problem, not one of the
 * route's rules (`unknown-order`, ...); either way the page says so rather than failing.
 */
export function isUnknownRoute(problem: Problem): boolean {
  const rule = problem.type?.split('/').pop() ?? '';
  return !/^(unknown-order|order-not-found|no-rebuild|unknown-projection)$/.test(rule);
}

export function StatusBadge({ status }: { status: string | null | undefined }) {
  if (!status) return <span class="muted">–</span>;
  return <span class={`badge badge-${status.toLowerCase().replace(/_/g, '-')}`}>{status}</span>;
}

/**
 * A labelled control: the label names the control by `for`/`id` (a wrapping label would fold a
 * select's options into its name), and the hint describes it.
 */
export function Field({ label, children, hint }: { label: string; children: VNode; hint?: string }) {
  const id = useId();
  return (
    <div class="field">
      <label class="field-label" for={id}>
        {label}
      </label>
      {cloneElement(children, { id, 'aria-describedby': hint ? `${id}-hint` : undefined })}
      {hint ? (
        <span class="field-hint" id={`${id}-hint`}>
          {hint}
        </span>
      ) : null}
    </div>
  );
}

/**
 * The options of a filter form's select, the one the URL holds selected. Filter forms are drafts
 * of the URL (which is the state): their fields are uncontrolled (`defaultValue`,
 * `defaultChecked`, an option's `selected`), set once when the page mounts (every URL change
 * mounts the page anew), so a re-render, e.g. a poll's answer, never puts the URL's values back
 * over what the operator is choosing or typing. (A controlled `value` with no handler is re-applied
 * against the DOM on every render: a poll between a choice and "Apply" submitted the old filters.)
 */
export function Choices({ options, selected }: { options: readonly (string | readonly [value: string, label: string])[]; selected: string }) {
  return (
    <>
      {options.map((option) => {
        const [value, label] = typeof option === 'string' ? [option, option] : option;
        return (
          <option key={value} value={value} selected={value === selected}>
            {label}
          </option>
        );
      })}
    </>
  );
}
