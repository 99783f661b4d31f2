import { clearSession, currentSession, type Role, saveSession } from './session';

/** Calls one of the services through the console's origin: /api/command, /api/query, /api/projector. */
export type Service = 'command' | 'query' | 'projector';

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  errors?: { path: string; message: string }[];
}

export type Answer<T> = { ok: true; status: number; body: T; headers: Headers } | { ok: false; status: number; problem: Problem; headers: Headers };

let onUnauthorized: () => void = () => undefined;
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

export async function call<T>(
  service: Service,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string>; key?: string } = {},
): Promise<Answer<T>> {
  const key = init.key ?? currentSession()?.key;
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
  if (key) headers.authorization = `Bearer ${key}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`/api/${service}${path}`, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: 'omit',
    });
  } catch {
    return { ok: false, status: 0, problem: { status: 0, title: 'Network error', detail: 'The console could not be reached.' }, headers: new Headers() };
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (response.ok) return { ok: true, status: response.status, body: parsed as T, headers: response.headers };
  if (response.status === 401 && init.key === undefined) onUnauthorized();
  const problem = (parsed && typeof parsed === 'object' ? parsed : { title: response.statusText }) as Problem;
  return { ok: false, status: response.status, problem: { ...problem, status: response.status }, headers: response.headers };
}

/**
 * Finds the key's role by asking routes only some roles may use (API.md "Auth"): the list of
 * projections (staff) and an integrity check of one unknown order (admin; cheap).
 */
export async function signIn(key: string): Promise<{ ok: true; role: Role } | { ok: false; message: string }> {
  const projections = await call('query', '/projections', { key });
  if (projections.status === 401) return { ok: false, message: 'This key is not known to the services.' };
  let role: Role;
  if (projections.status === 403) role = 'customer';
  else if (projections.ok) {
    const integrity = await call('command', `/admin/integrity?orderId=${crypto.randomUUID()}`, { key });
    role = integrity.status === 403 ? 'operator' : 'admin';
  } else return { ok: false, message: `The services answered ${projections.status}: ${projections.ok ? '' : (projections.problem.detail ?? '')}` };
  saveSession({ key, role });
  return { ok: true, role };
}

export function signOut(): void {
  clearSession();
}
