import { ViewGenerationError } from '../errors';
import { freshId, trackingHead, isoAt, type ReadStoreSubject } from './fixtures';

/** Uses the shipping view only, so the other contracts never see a swapped generation. */
const VIEW = 'shipping';

export function shadowContract(store: ReadStoreSubject): void {
  async function fill(count: number, generation?: number): Promise<void> {
    const changes = Array.from({ length: count }, () => {
      const orderId = freshId();
      return { orderId, expectedVersion: 0, version: 1, head: trackingHead(orderId, 'c', isoAt(1), { status: 'PENDING' }), records: [] };
    });
    await store().applyChanges(VIEW, changes, { generation });
  }

  it('builds a shadow beside the active view, swaps it in, rolls back and drops', async () => {
    const before = await store().generations(VIEW);
    const liveCount = await store().count({ view: VIEW });
    const shadow = await store().createShadow(VIEW);
    expect(await store().count({ view: VIEW, generation: shadow })).toBe(0);
    await fill(3, shadow);
    // Writes to the shadow are invisible to readers of the active view.
    expect(await store().count({ view: VIEW })).toBe(liveCount);

    expect(await store().swap(VIEW, shadow)).toEqual({ active: shadow, previous: before.active, all: [...before.all, shadow].sort((a, b) => a - b) });
    expect(await store().count({ view: VIEW })).toBe(3);

    expect(await store().rollback(VIEW)).toMatchObject({ active: before.active, previous: shadow });
    expect(await store().count({ view: VIEW })).toBe(liveCount);

    await expect(store().dropGeneration(VIEW, before.active)).rejects.toThrow(ViewGenerationError);
    await store().dropGeneration(VIEW, shadow);
    expect(await store().generations(VIEW)).toEqual({ active: before.active, previous: null, all: before.all });
    await expect(store().rollback(VIEW)).rejects.toThrow(ViewGenerationError);
    await expect(store().swap(VIEW, shadow)).rejects.toThrow(ViewGenerationError);
  });

  it('shows readers the old view or the new one, never a mix or nothing, across a swap', async () => {
    const liveCount = await store().count({ view: VIEW });
    const shadow = await store().createShadow(VIEW);
    await fill(liveCount + 7, shadow);
    const newCount = liveCount + 7;
    const seen: number[] = [];
    let swapped = false;
    // Readers keep counting until three reads after the swap, racing it in between.
    const reader = async () => {
      let afterSwap = 0;
      while (afterSwap < 3) {
        const wasSwapped = swapped;
        seen.push(await store().count({ view: VIEW }));
        if (wasSwapped) afterSwap += 1;
      }
    };
    const readers = Promise.all([reader(), reader(), reader()]);
    await store().swap(VIEW, shadow);
    swapped = true;
    await readers;
    seen.push(await store().count({ view: VIEW }));
    expect(seen.every((count) => count === liveCount || count === newCount)).toBe(true);
    expect(seen[seen.length - 1]).toBe(newCount);
    // Previous kept for rollback until dropped.
    expect((await store().generations(VIEW)).previous).not.toBeNull();
  });
}
