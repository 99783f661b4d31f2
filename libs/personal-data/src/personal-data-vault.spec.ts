import { orderEventTypes, type OrderEventType } from '@ordersource/domain';
import { ERASED, isSealedValue } from './envelope';
import { SealedValueError } from './errors';
import { personalDataVault } from './personal-data-vault';
import { personalFields, personalFieldsOf } from './personal-fields';
import { InMemoryKeyVault } from './specs/support/in-memory-key-vault';
import { everyEventOf, personalStringsOf } from './specs/support/sealing-fixtures';

function setUp() {
  const keys = new InMemoryKeyVault();
  return { keys, vault: personalDataVault(keys) };
}

async function sealAll(vault: ReturnType<typeof personalDataVault>, customerId: string, marker: string) {
  const plain = everyEventOf(customerId, marker);
  const sealed = await Promise.all(
    orderEventTypes.map(async (type) => ({ type, data: (await vault.sealEventData(customerId, type, plain[type])) as Record<string, unknown> })),
  );
  return { plain, sealed };
}

describe('personal data sealing', () => {
  it('lists every event type of the domain, with the fields the brief names as personal', () => {
    expect(Object.keys(personalFields).sort()).toEqual([...orderEventTypes].sort());
    expect(orderEventTypes.flatMap((type) => personalFieldsOf(type).map((field) => `${type}.${field}`)).sort()).toEqual([
      'OrderCancelled.reason',
      'OrderDelivered.receivedBy',
      'OrderPlaced.shippingAddress',
      'OrderReverted.reason',
      'PaymentFailed.reason',
      'PaymentRefunded.reason',
    ]);
  });

  it('seals every personal field of every event type and leaves every other field untouched', async () => {
    const { vault } = setUp();
    const { plain, sealed } = await sealAll(vault, 'customer-a', 'MARK-A');
    for (const { type, data } of sealed) {
      const original = plain[type] as Record<string, unknown>;
      expect(Object.keys(data).sort()).toEqual(Object.keys(original).sort());
      for (const [field, value] of Object.entries(original)) {
        if (personalFieldsOf(type).includes(field)) expect(isSealedValue(data[field])).toBe(true);
        else expect(data[field]).toEqual(value);
      }
    }
  });

  it('leaves no personal string anywhere in the sealed JSON', async () => {
    const { vault } = setUp();
    const { plain, sealed } = await sealAll(vault, 'customer-a', 'MARK-A');
    const json = JSON.stringify(sealed);
    for (const secret of [...personalStringsOf(plain), 'Ada', 'Lovelace', 'Charles']) expect(json).not.toContain(secret);
  });

  it('opens sealed events back to what was sealed, with one key lookup for many events', async () => {
    const { vault, keys } = setUp();
    const a = await sealAll(vault, 'customer-a', 'MARK-A');
    const b = await sealAll(vault, 'customer-b', 'MARK-B');
    const opened = await vault.openEvents([...a.sealed, ...b.sealed]);
    expect(keys.lookups).toBe(1);
    expect(opened.map((e) => e.data)).toEqual([...orderEventTypes.map((t) => a.plain[t]), ...orderEventTypes.map((t) => b.plain[t])]);
    expect(await vault.openEventData('OrderPlaced', a.sealed[0].data)).toEqual(a.plain.OrderPlaced);
  });

  it('shows "[erased]" in every personal field of a forgotten customer and nothing else changes', async () => {
    const { vault } = setUp();
    const a = await sealAll(vault, 'customer-a', 'MARK-A');
    const b = await sealAll(vault, 'customer-b', 'MARK-B');
    await vault.forgetCustomer('customer-a');
    const opened = await vault.openEvents([...a.sealed, ...b.sealed]);
    opened.slice(0, orderEventTypes.length).forEach(({ type, data }) => {
      const original = a.plain[type as OrderEventType] as Record<string, unknown>;
      for (const field of Object.keys(original)) {
        expect(data[field]).toEqual(personalFieldsOf(type).includes(field) ? ERASED : original[field]);
      }
    });
    expect(opened.slice(orderEventTypes.length).map((e) => e.data)).toEqual(orderEventTypes.map((t) => b.plain[t]));
    expect(await vault.isErased('customer-a')).toBe(true);
    expect(await vault.isErased('customer-b')).toBe(false);
  });

  it('refuses to open an envelope moved into another event type', async () => {
    const { vault } = setUp();
    const { sealed } = await sealAll(vault, 'customer-a', 'MARK-A');
    const failedReason = sealed.find((e) => e.type === 'PaymentFailed')?.data.reason;
    await expect(vault.openEventData('OrderCancelled', { orderId: 'o', reason: failedReason, authorizationVoided: false })).rejects.toThrow(SealedValueError);
  });

  it('leaves the events it opens unchanged', async () => {
    const { vault } = setUp();
    const { sealed } = await sealAll(vault, 'customer-a', 'MARK-A');
    const before = JSON.stringify(sealed);
    await vault.openEvents(sealed);
    expect(JSON.stringify(sealed)).toBe(before);
  });

  it('passes through events without personal fields without creating a key', async () => {
    const { vault, keys } = setUp();
    const data = { orderId: 'o', amount: 5 };
    expect(await vault.sealEventData('customer-x', 'PaymentCaptured', data)).toEqual(data);
    expect(await vault.sealEventData('customer-x', 'OrderDelivered', { orderId: 'o' })).toEqual({ orderId: 'o' });
    expect(keys.keyCount).toBe(0);
  });

  it('refuses to seal an OrderPlaced under another customer key, or to seal twice', async () => {
    const { vault } = setUp();
    const plain = everyEventOf('customer-a', 'MARK-A');
    await expect(vault.sealEventData('customer-b', 'OrderPlaced', plain.OrderPlaced)).rejects.toThrow(/customer-a/);
    const once = await vault.sealEventData('customer-a', 'PaymentFailed', plain.PaymentFailed);
    await expect(vault.sealEventData('customer-a', 'PaymentFailed', once as never)).rejects.toThrow(/already sealed/);
  });

  it('seals a whole order history under one key and opens it back to the plain events', async () => {
    const { vault } = setUp();
    const plain = everyEventOf('customer-a', 'MARK-A');
    const events = orderEventTypes.map((type) => ({ type, data: plain[type] as object }));
    const sealed = await vault.sealEvents('customer-a', events);
    for (const event of sealed) {
      for (const field of personalFieldsOf(event.type)) expect(isSealedValue((event.data as Record<string, unknown>)[field])).toBe(true);
    }
    expect(new Set(sealed.flatMap((event) => personalFieldsOf(event.type).map((field) => ((event.data as Record<string, { keyId: string }>)[field]).keyId))).size).toBe(1);
    expect(await vault.openEvents(sealed)).toEqual(events);
    await expect(vault.sealEvents('customer-b', events)).rejects.toThrow(/customer-a/);
  });
});
