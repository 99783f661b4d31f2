/**
 * The one polling probe of the test suites (issue 11; STYLE.md: eventual consistency is awaited
 * with a probe that has a deadline, never with a sleep). Every suite's waiting goes through it.
 */
export interface EventuallyOptions {
  /** How long to keep looking; default 20 s. */
  timeoutMs?: number;
  /** The pause between looks; default 25 ms (0: the next turn of the event loop). */
  everyMs?: number;
}

/** What a probe's value is once it counts as done. */
export type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/**
 * Calls `probe` until it returns a truthy value and returns that value; past the deadline it
 * throws, naming `what` (a function is asked only then, so it can say what was last seen).
 */
export async function eventually<T>(
  what: string | (() => string),
  probe: () => T | Promise<T>,
  { timeoutMs = 20_000, everyMs = 25 }: EventuallyOptions = {},
): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as Truthy<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${typeof what === 'string' ? what : what()}`);
    await (everyMs > 0 ? new Promise((resolve) => setTimeout(resolve, everyMs)) : new Promise((resolve) => setImmediate(resolve)));
  }
}
