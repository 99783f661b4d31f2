import { AppliedHeads } from './applied-heads';
import type { OrderChangeSet } from './read-store.port';

const change = (orderId: string, version: number): OrderChangeSet => ({ orderId, expectedVersion: version - 1, version, head: { orderId, version }, records: [] });

describe('AppliedHeads', () => {
  it('answers the heads it recorded as applied, per view and generation, and names the rest unknown', () => {
    const heads = new AppliedHeads();
    heads.record('payments', 1, [change('a', 2), change('b', 1)], new Set(['a']));
    expect(heads.lookUp('payments', 1, ['a', 'b', 'c'])).toEqual({ known: new Map([['a', { version: 2, document: { orderId: 'a', version: 2 } }]]), unknown: ['b', 'c'] });
    expect(heads.lookUp('payments', 2, ['a']).unknown).toEqual(['a']);
    expect(heads.lookUp('shipping', 1, ['a']).unknown).toEqual(['a']);
  });

  it('forgets a head whose change set was refused, and every generation of a view at once', () => {
    const heads = new AppliedHeads();
    heads.record('payments', 1, [change('a', 1)], new Set(['a']));
    heads.record('payments', 1, [change('a', 2)], new Set());
    expect(heads.lookUp('payments', 1, ['a']).unknown).toEqual(['a']);
    heads.record('payments', 1, [change('b', 1)], new Set(['b']));
    heads.record('payments', 3, [change('b', 1)], new Set(['b']));
    heads.record('shipping', 1, [change('b', 1)], new Set(['b']));
    heads.forgetView('payments');
    expect([heads.lookUp('payments', 1, ['b']).unknown, heads.lookUp('payments', 3, ['b']).unknown, heads.lookUp('shipping', 1, ['b']).unknown]).toEqual([['b'], ['b'], []]);
  });

  it('keeps at most its limit per view and generation, dropping the one written longest ago', () => {
    const heads = new AppliedHeads(2);
    heads.record('payments', 1, [change('a', 1), change('b', 1)], new Set(['a', 'b']));
    heads.record('payments', 1, [change('a', 2)], new Set(['a']));
    heads.record('payments', 1, [change('c', 1)], new Set(['c']));
    expect(heads.lookUp('payments', 1, ['a', 'b', 'c']).unknown).toEqual(['b']);
  });
});
