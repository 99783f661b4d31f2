/**
 * Polls `probe` until it returns true, failing with `description` once `timeoutMs` has passed.
 * Tests await the broker's and the clients' eventual state with this, never with a fixed sleep.
 */
export async function eventually(
  description: string,
  probe: () => boolean | Promise<boolean>,
  { timeoutMs = 20_000, intervalMs = 50 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${description}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
