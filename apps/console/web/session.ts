/**
 * The signed-in key lives in sessionStorage: it is kept for this tab only and is gone when the
 * tab closes. The role is a hint for what to show; the services decide what the key may do.
 */
export type Role = 'admin' | 'operator' | 'customer';

export interface Session {
  key: string;
  role: Role;
}

const STORAGE_KEY = 'ordersource.console.session';

export function currentSession(): Session | undefined {
  const raw = sessionStorage.getItem(STORAGE_KEY);
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as Session;
    return typeof parsed.key === 'string' && ['admin', 'operator', 'customer'].includes(parsed.role) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

export const isStaff = (session: Session | undefined) => session?.role === 'admin' || session?.role === 'operator';
