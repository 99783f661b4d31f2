import { diffStates } from './diff';

describe('diffStates', () => {
  it('lists a changed leaf with its dotted path', () => {
    expect(diffStates({ status: 'PLACED', payment: { captured: 0 } }, { status: 'PAID', payment: { captured: 1999 } })).toEqual([
      { path: 'status', kind: 'changed', before: 'PLACED', after: 'PAID' },
      { path: 'payment.captured', kind: 'changed', before: 0, after: 1999 },
    ]);
  });

  it('names array entries by index and reports an appended entry as added leaves', () => {
    const before = { timeline: [{ status: 'PLACED', at: 't1' }] };
    const after = { timeline: [{ status: 'PLACED', at: 't1' }, { status: 'PAID', at: 't2' }] };
    expect(diffStates(before, after)).toEqual([
      { path: 'timeline[1].status', kind: 'added', after: 'PAID' },
      { path: 'timeline[1].at', kind: 'added', after: 't2' },
    ]);
  });

  it('reports removed fields and a null that became an object', () => {
    expect(diffStates({ a: 1, shipment: null }, { shipment: { carrier: 'DHL' } })).toEqual([
      { path: 'a', kind: 'removed', before: 1 },
      { path: 'shipment', kind: 'changed', before: null, after: { carrier: 'DHL' } },
    ]);
  });

  it('finds nothing between equal states, and everything is added against no state', () => {
    expect(diffStates({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
    expect(diffStates(undefined, { status: 'PLACED', items: [] })).toEqual([
      { path: 'status', kind: 'added', after: 'PLACED' },
      { path: 'items', kind: 'added', after: [] },
    ]);
  });
});
