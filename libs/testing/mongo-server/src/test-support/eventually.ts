/** Polls `probe` until it resolves truthy or the deadline passes; for effects with no ack to await. */
export async function eventually(probe: () => Promise<boolean>, deadlineMs = 2000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
