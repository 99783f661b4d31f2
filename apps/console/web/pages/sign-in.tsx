import { useState } from 'preact/hooks';
import { signIn } from '../api';
import { PageTitle } from '../components/ui';
import { navigate, useLocation } from '../router';

export function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
  const where = useLocation();
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const result = await signIn(key.trim());
    setBusy(false);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    onSignedIn();
    const next = where.query.get('next');
    navigate(next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in') ? next : '/orders', { replace: true });
  };
  return (
    <div class="sign-in-box">
      <PageTitle title="Sign in">Sign in to the ordersource console</PageTitle>
      {where.query.get('expired') ? (
        <p class="notice notice-info" role="status">
          The services no longer accept that key; sign in again.
        </p>
      ) : null}
      <form onSubmit={submit}>
        <label class="field">
          <span class="field-label">API key</span>
          <input
            type="password"
            name="apiKey"
            autocomplete="off"
            required
            value={key}
            onInput={(event) => setKey((event.target as HTMLInputElement).value)}
            aria-describedby="key-hint"
          />
          <span class="field-hint" id="key-hint">
            An admin, operator or customer key from API_KEYS (npm start prints one per role). It is kept for this browser tab only.
          </span>
        </label>
        {error ? (
          <p class="notice notice-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy || key.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
