import { ConfigError } from '../config/config';
import { parseApiKeys } from './api-keys';

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

  it.each(['nokey', '=admin', 'k=root', 'k=customer:', 'k=customer'])('rejects the malformed entry %p', (entry) => {
    expect(() => parseApiKeys(entry, false)).toThrow(ConfigError);
  });
});
