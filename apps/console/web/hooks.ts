import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { type Answer, call, type Service } from './api';

/** `receivedAt`: when the answer came (epoch ms), shown on polled pages as "updated at". */
export type Loaded<T> = { state: 'loading' } | { state: 'done'; answer: Answer<T>; receivedAt: number };

/**
 * GETs `path` from a service whenever it changes (null: nothing yet), optionally again every
 * `pollMs` (live lag, rebuild progress); a newer answer replaces an older one, never the reverse.
 */
export function useApi<T>(service: Service, path: string | null, options: { pollMs?: number } = {}): [Loaded<T>, () => void] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  const sequence = useRef(0);
  useEffect(() => {
    if (path === null) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async (first: boolean) => {
      const mine = ++sequence.current;
      if (first) setLoaded({ state: 'loading' });
      const answer = await call<T>(service, path);
      if (cancelled || mine !== sequence.current) return;
      setLoaded({ state: 'done', answer, receivedAt: Date.now() });
      if (options.pollMs) timer = setTimeout(() => void load(false), options.pollMs);
    };
    void load(true);
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [service, path, tick, options.pollMs]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return [loaded, reload];
}
