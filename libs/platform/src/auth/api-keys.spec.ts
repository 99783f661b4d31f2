import { ConfigError } from '../config/config';
import { Principal, actorOf, parseApiKeys } from './api-keys';

describe('API keys', () => {
  const ring = parseApiKeys('ops1.s3cret=operator,root.k3y=admin,c-key-123=customer:cust-42', false);

  it('maps each key to its role and subject, never exposing the secret as the subject', () => {
    expect(ring.authenticate('ops1.s3cret')).toEqual({ role: 'operator', subject: 'ops1' });
    expect(ring.authenticate('root.k3y')).toEqual({ role: 'admin', subject: 'root' });
    expect(ring.authenticate('c-key-123')).toEqual({ role: 'customer', subject: 'cust-42', customerId: 'cust-42' });
  });

  it('does not know a key that is only a prefix or a variant of a real one', () => {
    expect(ring.authenticate('ops1')).toBeUndefined();
    expect(ring.authenticate('ops1.s3cret ')).toBeUndefined();
    expect(ring.authenticate('')).toBeUndefined();
  });

  it('refuses to start without keys unless auth is disabled, and then acts as admin', () => {
    expect(() => parseApiKeys(undefined, false)).toThrow(ConfigError);
    const open = parseApiKeys(undefined, true);
    expect(open.authDisabled).toBe(true);
    expect(open.authenticate('anything')?.role).toBe('admin');
  });

  it('records actors as role:subject, so a customer whose id equals a staff key name is another actor', () => {
    const both = parseApiKeys('ops1.s3cret=operator,c-key=customer:ops1', false);
    const actors = ['ops1.s3cret', 'c-key'].map((key) => actorOf(both.authenticate(key) as Principal));

    expect(actors).toEqual(['operator:ops1', 'customer:ops1']);
  });

  it.each([
    ['one role', 'ops1.old=operator,ops1.new=operator'],
    ['two roles', 'ops1.a=operator,ops1.b=admin'],
  ])('refuses two staff keys with one name (%s): they were one actor in the audit log (issue 17)', (_, keys) => {
    expect(() => parseApiKeys(keys, false)).toThrow(/two staff keys named "ops1"/);
  });

  it('accepts several keys of one customer: the customer is the subject', () => {
    const ring = parseApiKeys('phone=customer:cust-42,laptop=customer:cust-42', false);

    expect([ring.authenticate('phone'), ring.authenticate('laptop')].map((p) => actorOf(p as Principal))).toEqual(['customer:cust-42', 'customer:cust-42']);
  });

  it.each(['nokey', '=admin', 'k=root', 'k=customer:', 'k=customer'])('rejects the malformed entry %p', (entry) => {
    expect(() => parseApiKeys(entry, false)).toThrow(ConfigError);
  });
});
