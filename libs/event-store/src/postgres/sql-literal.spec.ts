import fc from 'fast-check';
import { escapeLiteral } from 'pg';
import { sqlLiteral } from './sql-literal';

describe('sqlLiteral', () => {
  it("equals pg's escapeLiteral on 2,000 arbitrary strings, weighted to quotes and backslashes", () => {
    const tricky = fc.string({ unit: fc.constantFrom("'", '\\', '"', 'a', 'é', '\u0001', '😀', ' ') });
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), tricky), (text) => {
        expect(sqlLiteral(text)).toBe(escapeLiteral(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('quotes the edge cases alike', () => {
    for (const text of ['', "'", '\\', "\\'", "''\\\\", 'plain', '{"a":"it\'s \\"x\\""}']) expect(sqlLiteral(text)).toBe(escapeLiteral(text));
  });
});
