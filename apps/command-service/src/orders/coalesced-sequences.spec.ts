import { NamedSequences } from '@ordersource/event-store';
import { countingSequences } from '../../test/support/command-handler-specification';
import { CoalescedSequences } from './coalesced-sequences';

/** The counting sequences, recording each round trip's (name, count). */
function recorded(fail?: (call: number) => Error | undefined) {
  const inner = countingSequences();
  const calls: [string, number][] = [];
  const sequences: NamedSequences = {
    next: inner.next,
    async nextMany(name, count) {
      calls.push([name, count]);
      const error = fail?.(calls.length);
      if (error) throw error;
      return inner.nextMany(name, count);
    },
  };
  return { sequences, calls };
}

const key = { field: 'orderNumber', prefix: 'OS-2026-' };

describe('coalesced order-number draws', () => {
  it('draws at once when nothing is in flight, then draws everything that waited in one round trip, in arrival order', async () => {
    const { sequences, calls } = recorded();
    const coalesced = new CoalescedSequences(sequences);
    const numbers = await Promise.all(Array.from({ length: 5 }, () => coalesced.next('order_number_2026', key)));
    expect(numbers).toEqual([1, 2, 3, 4, 5]);
    expect(calls).toEqual([
      ['order_number_2026', 1],
      ['order_number_2026', 4],
    ]);
    expect(await coalesced.next('order_number_2026', key)).toBe(6);
  });

  it('keeps counters apart: draws of another year are not mixed into this one', async () => {
    const { sequences } = recorded();
    const coalesced = new CoalescedSequences(sequences);
    const [a, b, c] = await Promise.all([coalesced.next('order_number_2026', key), coalesced.next('order_number_2027', { ...key, prefix: 'OS-2027-' }), coalesced.next('order_number_2026', key)]);
    expect([a, b, c]).toEqual([1, 1, 2]);
  });

  it('fails only the draws that waited for a failed round trip; the next ones draw again', async () => {
    const { sequences } = recorded((call) => (call === 2 ? new Error('connection lost') : undefined));
    const coalesced = new CoalescedSequences(sequences);
    const outcomes = await Promise.allSettled(Array.from({ length: 3 }, () => coalesced.next('order_number_2026', key)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(await coalesced.next('order_number_2026', key)).toBe(2);
  });
});
