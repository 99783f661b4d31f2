import { DomainError, domainRules, isDomainError, type DomainRule } from '../errors';

describe('domain errors', () => {
  it('name every rule in kebab-case, ready to end a problem type URI', () => {
    for (const rule of Object.keys(domainRules)) expect(rule).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  it('take their kind from the rule', () => {
    const error = new DomainError('refund-exceeds-captured', 'Cannot refund 5: only 4 EUR is left.', { path: 'amount' });
    expect(error).toMatchObject({ rule: 'refund-exceeds-captured', kind: 'conflict', path: 'amount' });
    expect(error.message).toBe('Cannot refund 5: only 4 EUR is left.');
    expect(error.name).toBe('DomainError');
  });

  it('map to the three kinds the HTTP edge answers with 404, 409 and 400', () => {
    const kinds = new Set(Object.values(domainRules));
    expect([...kinds].sort()).toEqual(['conflict', 'invalid', 'not-found']);
    expect(domainRules['order-not-found' satisfies DomainRule]).toBe('not-found');
  });

  it('are told apart from other errors', () => {
    expect(isDomainError(new DomainError('order-cancelled', 'x'))).toBe(true);
    expect(isDomainError(new Error('x'))).toBe(false);
  });
});
