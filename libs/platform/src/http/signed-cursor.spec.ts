import { ProblemError } from './problem';
import { cursorKeyOf, routeCursor, storeCursorOf, useCursorKey } from './signed-cursor';

describe('list cursors', () => {
  useCursorKey(Buffer.alloc(32, 7));
  const store = Buffer.from(JSON.stringify(['2026-06-01T00:00:00.000Z', 'order-1'])).toString('base64url');
  const signed = () => routeCursor('/orders', store) as string;

  it('give back the store cursor of their own route', () => {
    expect(storeCursorOf('/orders', signed())).toBe(store);
  });

  it.each([
    ['an edited payload with the original tag', (c: string) => `${Buffer.from(JSON.stringify(['/orders', store.replace(/A/g, 'B')])).toString('base64url')}${c.slice(-22)}`],
    ['a changed tag', (c: string) => `${c.slice(0, -1)}${c.endsWith('A') ? 'B' : 'A'}`],
    ['a truncated cursor', (c: string) => c.slice(0, -3)],
    ['an unsigned cursor in the old shape', () => Buffer.from(JSON.stringify(['/orders', store])).toString('base64url')],
    ['a tag alone', (c: string) => c.slice(-22)],
  ])('refuse %s with a 400 problem', (_what, edit) => {
    const cursor = edit(signed());
    expect(() => storeCursorOf('/orders', cursor)).toThrow(ProblemError);
    expect(() => storeCursorOf('/orders', cursor)).toThrow(expect.objectContaining({ status: 400 }));
  });

  it("refuse another route's cursor", () => {
    expect(() => storeCursorOf('/payments', signed())).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('accept cursors signed with any key the process serves with', () => {
    const signedBefore = signed();
    useCursorKey(Buffer.alloc(32, 9));
    expect(storeCursorOf('/orders', signedBefore)).toBe(store);
    expect(storeCursorOf('/orders', signed())).toBe(store);
  });

  it('derive one cursor key per master key, so every instance of every service accepts the others\' cursors', () => {
    const master = Buffer.alloc(32, 3);
    expect(cursorKeyOf(master).equals(cursorKeyOf(Buffer.from(master)))).toBe(true);
    expect(cursorKeyOf(master)).toHaveLength(32);
    expect(cursorKeyOf(master).equals(cursorKeyOf(Buffer.alloc(32, 4)))).toBe(false);
    expect(cursorKeyOf(master).equals(master)).toBe(false);
  });
});
