/** Polls `probe` until it holds or the deadline passes: consistency is awaited, never slept for. */
export async function eventually(what: string, probe: () => boolean | Promise<boolean>, { timeoutMs = 20_000, everyMs = 25 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
