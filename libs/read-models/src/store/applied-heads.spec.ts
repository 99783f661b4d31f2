import { AppliedHeads } from './applied-heads';
import type { OrderChangeSet, OrderHead } from './read-store.port';

const change = (orderId: string, version: number): OrderChangeSet => ({ orderId, expectedVersion: version - 1, version, head: { orderId, version }, records: [] });
const stored = (orderId: string): OrderHead => ({ version: 99, document: { orderId, from: 'store' } });

/** A planning load that reuses what was applied, from a store holding every order at version 99: what it answered, and what it asked the store for. */
async function plan(heads: AppliedHeads, view: string, generation: number, orderIds: string[], reuseApplied = true) {
  const asked: string[][] = [];
  const answer = await heads.planningHeads(view, generation, orderIds, reuseApplied, async (missing) => {
    asked.push([...missing]);
    return new Map(missing.map((orderId) => [orderId, stored(orderId)]));
  });
  return { answer, asked };
}

describe('AppliedHeads', () => {
  it('answers the heads it recorded as applied, per view and generation, and loads only the rest', async () => {
    const heads = new AppliedHeads();
    heads.record('payments', 1, [change('a', 2), change('b', 1)], new Set(['a']));
    expect(await plan(heads, 'payments', 1, ['a', 'b', 'c'])).toEqual({
      answer: new Map([
        ['a', { version: 2, document: { orderId: 'a', version: 2 } }],
        ['b', stored('b')],
        ['c', stored('c')],
      ]),
      asked: [['b', 'c']],
    });
    expect((await plan(heads, 'payments', 2, ['a'])).asked).toEqual([['a']]);
    expect((await plan(heads, 'shipping', 1, ['a'])).asked).toEqual([['a']]);
  });

  it('does not ask the store when every head is remembered, and asks it for all when reuse is off', async () => {
    const heads = new AppliedHeads();
    heads.record('payments', 1, [change('a', 1), change('b', 1)], new Set(['a', 'b']));
    expect((await plan(heads, 'payments', 1, ['a', 'b'])).asked).toEqual([]);
    expect(await plan(heads, 'payments', 1, ['a', 'b'], false)).toEqual({ answer: new Map([['a', stored('a')], ['b', stored('b')]]), asked: [['a', 'b']] });
    expect((await plan(heads, 'payments', 1, [], false)).asked).toEqual([]);
  });

  it('answers undefined when the store could not load the missing heads in that generation', async () => {
    const heads = new AppliedHeads();
    heads.record('payments', 1, [change('a', 1)], new Set(['a']));
    expect(await heads.planningHeads('payments', 1, ['a', 'b'], true, async () => undefined)).toBeUndefined();
  });

  it('forgets a head whose change set was refused, and every generation of a view at once', async () => {
    const heads = new AppliedHeads();
    heads.record('payments', 1, [change('a', 1)], new Set(['a']));
    heads.record('payments', 1, [change('a', 2)], new Set());
    expect((await plan(heads, 'payments', 1, ['a'])).asked).toEqual([['a']]);
    heads.record('payments', 1, [change('b', 1)], new Set(['b']));
    heads.record('payments', 3, [change('b', 1)], new Set(['b']));
    heads.record('shipping', 1, [change('b', 1)], new Set(['b']));
    heads.forgetView('payments');
    const asked = [(await plan(heads, 'payments', 1, ['b'])).asked, (await plan(heads, 'payments', 3, ['b'])).asked, (await plan(heads, 'shipping', 1, ['b'])).asked];
    expect(asked).toEqual([[['b']], [['b']], []]);
  });

  it('keeps at most its limit per view and generation, dropping the one written longest ago', async () => {
    const heads = new AppliedHeads(2);
    heads.record('payments', 1, [change('a', 1), change('b', 1)], new Set(['a', 'b']));
    heads.record('payments', 1, [change('a', 2)], new Set(['a']));
    heads.record('payments', 1, [change('c', 1)], new Set(['c']));
    expect((await plan(heads, 'payments', 1, ['a', 'b', 'c'])).asked).toEqual([['b']]);
  });
});
