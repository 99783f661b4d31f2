import fc from 'fast-check';
import type { OrderCommand } from '../commands';
import { foldOrder } from '../decider';
import { decide } from '../decide';
import { isDomainError } from '../errors';
import { moneyMovementTypes, orderEventTypes, type OrderEvent, type OrderEventType, type OrderReverted } from '../events';
import type { OrderFacts, OrderState, PlacedOrder } from '../state';
import {
  authorizePayment,
  cancelOrder,
  capturePayment,
  checkpointRecorded,
  deliverOrder,
  dispatchShipment,
  failPayment,
  given,
  historyIn,
  now,
  orderCancelled,
  orderDelivered,
  orderId,
  orderPlaced,
  paymentAuthorized,
  paymentCaptured,
  paymentFailed,
  placeOrder,
  recordCheckpoint,
  refundPayment,
  revertOrder,
  shipmentDispatched,
} from './support/order-fixtures';

const reverted = (toVersion: number, voidedVersions: number[], reason = 'scanned by mistake'): OrderReverted => ({
  type: 'OrderReverted',
  schemaVersion: 1,
  data: { orderId, toVersion, voidedVersions, reason },
  occurredAt: now,
});

function factsOf(state: OrderState): OrderFacts {
  const { version: _version, versions: _versions, ...facts } = state as PlacedOrder;
  return facts;
}

/**
 * The model the fold is held to: the order at version t is the plain lifecycle fold of the events
 * up to t that still count there (not OrderReverted, not voided by a revert at or below t).
 * Written from the events alone, without the versions the state keeps.
 */
function modelAt(events: readonly OrderEvent[], t: number): OrderFacts {
  const upTo = events.slice(0, t);
  const voided = new Set(upTo.flatMap((event) => (event.type === 'OrderReverted' ? event.data.voidedVersions : [])));
  const counting = upTo.filter((event, index) => event.type !== 'OrderReverted' && !voided.has(index + 1));
  return factsOf(foldOrder(counting));
}

describe('reverting an order', () => {
  it('voids every version after the target and returns the order to it', () => {
    const history = [orderPlaced(), paymentFailed(), paymentAuthorized()];
    given(history)
      .when(revertOrder(1))
      .then([reverted(1, [2, 3])])
      .andState({ status: 'PLACED', authorized: 0, version: 4 });
  });

  it.each([
    ['PaymentAuthorized', [orderPlaced(), paymentAuthorized()], 'PLACED'],
    ['PaymentFailed', [orderPlaced(), paymentFailed()], 'PLACED'],
    ['ShipmentDispatched', [...historyIn.PAID(), shipmentDispatched()], 'PAID'],
    ['ShipmentCheckpointRecorded', [...historyIn.SHIPPED(), checkpointRecorded()], 'SHIPPED'],
    ['OrderDelivered', [...historyIn.SHIPPED(), orderDelivered()], 'SHIPPED'],
    ['OrderCancelled', [orderPlaced(), paymentAuthorized(), orderCancelled(true)], 'PAYMENT_AUTHORIZED'],
  ] as const)('voids a %s and leaves the order as it stood before it', (_type, history, status) => {
    const before = foldOrder(history.slice(0, -1));
    const after = foldOrder([...history, reverted(history.length - 1, [history.length])]);
    expect(factsOf(after)).toEqual(factsOf(before));
    expect(after).toMatchObject({ status, version: history.length + 1 });
  });

  it('marks the voided versions with the version of the revert', () => {
    const after = foldOrder([orderPlaced(), paymentFailed(), paymentAuthorized(), reverted(1, [2, 3])]) as PlacedOrder;
    expect(after.versions.map((entry) => [entry.version, entry.type, entry.voidedBy])).toEqual([
      [1, 'OrderPlaced', undefined],
      [2, 'PaymentFailed', 4],
      [3, 'PaymentAuthorized', 4],
      [4, 'OrderReverted', undefined],
    ]);
  });

  it('lets the order go on from the target as if the voided events had not happened', () => {
    const history = [orderPlaced(), paymentAuthorized(), reverted(1, [2])];
    given(history).when(failPayment()).then([{ ...paymentFailed(), occurredAt: now }]).andState({ status: 'PAYMENT_FAILED', version: 4 });
  });

  describe('across money movements', () => {
    it('refuses to void a capture, naming it', () => {
      const error = given(historyIn.SHIPPED()).when(revertOrder(2)).thenThrows('revert-not-allowed');
      expect(error.message).toContain('PaymentCaptured (version 3)');
      expect(error.message).not.toContain('ShipmentDispatched');
    });

    it('refuses to void a refund, naming every money movement in the range', () => {
      const error = given(historyIn.REFUNDED()).when(revertOrder(1)).thenThrows('revert-not-allowed');
      expect(error.message).toContain('PaymentCaptured (version 3)');
      expect(error.message).toContain('PaymentRefunded (version 4)');
    });

    it('refuses a paid cancellation, whose refund moved money', () => {
      given([...historyIn.PAID(), orderCancelled(), { ...paymentCaptured(), type: 'PaymentRefunded', data: { orderId, amount: 2999, reason: 'x', full: true } } as OrderEvent])
        .when(revertOrder(3))
        .thenThrows('revert-not-allowed');
    });

    it('voids what came after the last money movement', () => {
      given([...historyIn.SHIPPED(), checkpointRecorded()]).when(revertOrder(3)).then([reverted(3, [4, 5])]).andState({ status: 'PAID', captured: 2999 });
    });
  });

  describe('its target', () => {
    it('must be below the current version', () => {
      given(historyIn.PAYMENT_FAILED()).when(revertOrder(2)).thenThrows('nothing-to-revert');
      given(historyIn.PAYMENT_FAILED()).when(revertOrder(7)).thenThrows('nothing-to-revert');
    });

    it('must be a version of at least 1', () => {
      const error = given(historyIn.PAYMENT_FAILED()).when(revertOrder(0)).thenThrows('invalid-revert-target');
      expect(error.kind).toBe('invalid');
    });

    it('must belong to a placed order', () => {
      given([]).when(revertOrder(1)).thenThrows('order-not-found');
    });
  });

  describe('after an earlier revert', () => {
    const history = [orderPlaced(), paymentFailed(), paymentAuthorized(), reverted(2, [3]), paymentAuthorized()];

    it('refuses to return to a version the earlier revert voided (a revert is not undone by reverting)', () => {
      const error = given(history).when(revertOrder(3)).thenThrows('revert-target-voided');
      expect(error.message).toContain('version 4');
    });

    it('refuses a revert that would void nothing but reverts: the order already is there', () => {
      given([orderPlaced(), paymentAuthorized(), reverted(1, [2])]).when(revertOrder(1)).thenThrows('nothing-to-revert');
    });

    it('may return to the earlier revert itself, voiding only what came after it', () => {
      given(history).when(revertOrder(4)).then([reverted(4, [5])]).andState({ status: 'PAYMENT_FAILED', authorized: 0, version: 6 });
    });

    it('reverts across it, voiding it and the versions that still count, never a version twice', () => {
      given(history).when(revertOrder(1)).then([reverted(1, [2, 4, 5])]).andState({ status: 'PLACED', version: 6 });
      const after = foldOrder([...history, reverted(1, [2, 4, 5])]) as PlacedOrder;
      // Version 3 keeps the first revert that voided it.
      expect(after.versions.map((entry) => entry.voidedBy)).toEqual([undefined, 6, 4, 6, 6, undefined]);
    });
  });
});

/** Every command a shop could send, any time; the decider refuses what does not fit. */
const anyCommand = (version: number): fc.Arbitrary<OrderCommand> =>
  fc.oneof(
    { arbitrary: fc.constant<OrderCommand>(authorizePayment()), weight: 4 },
    { arbitrary: fc.constant<OrderCommand>(failPayment()), weight: 1 },
    { arbitrary: fc.constant<OrderCommand>(capturePayment()), weight: 4 },
    { arbitrary: fc.constant<OrderCommand>(dispatchShipment()), weight: 4 },
    { arbitrary: fc.constant<OrderCommand>(recordCheckpoint()), weight: 2 },
    { arbitrary: fc.constant<OrderCommand>(deliverOrder()), weight: 2 },
    { arbitrary: fc.constant<OrderCommand>(cancelOrder()), weight: 1 },
    { arbitrary: fc.constant<OrderCommand>(refundPayment({ amount: 100 })), weight: 1 },
    // Mostly near the head (a recent mistake), sometimes anywhere, sometimes out of range.
    { arbitrary: fc.integer({ min: Math.max(1, version - 2), max: Math.max(1, version) }).map((toVersion) => revertOrder(toVersion)), weight: 3 },
    { arbitrary: fc.integer({ min: 0, max: version + 1 }).map((toVersion) => revertOrder(toVersion)), weight: 1 },
  );

/** A random walk through the decider: each step is a command (a revert or a lifecycle step) it accepted. */
const histories = fc.array(fc.nat(), { minLength: 20, maxLength: 60 }).map((seeds) => {
  const events: OrderEvent[] = [...decide(placeOrder(), foldOrder([]))];
  for (const seed of seeds) {
    const state = foldOrder(events) as PlacedOrder;
    const [command] = fc.sample(anyCommand(state.version - 1), { seed, numRuns: 1 });
    try {
      events.push(...decide(command, state));
    } catch (error) {
      if (!isDomainError(error)) throw error;
    }
  }
  return { events };
});

const moneyMovements = new Set<OrderEventType>(moneyMovementTypes);
const voidableTypes = orderEventTypes.filter((type) => type !== 'OrderPlaced' && !moneyMovements.has(type));

describe('the fold after a revert, against a model (fast-check)', () => {
  it('equals the order at the target for every revert, and never voids a money movement', () => {
    const voidedTypes = new Set<OrderEventType>();
    let reverts = 0;
    fc.assert(
      fc.property(histories, ({ events }) => {
        events.forEach((event, index) => {
          if (event.type !== 'OrderReverted') return;
          reverts += 1;
          const version = index + 1;
          const after = foldOrder(events.slice(0, version));
          expect(factsOf(after)).toEqual(modelAt(events, event.data.toVersion));
          expect((after as PlacedOrder).version).toBe(version);
          for (const voided of event.data.voidedVersions) {
            const type = events[voided - 1].type;
            expect(moneyMovements.has(type)).toBe(false);
            voidedTypes.add(type);
          }
        });
      }),
      { numRuns: 400, seed: 13 },
    );
    // What the runs tried: every voidable event type was voided at least once.
    expect(reverts).toBeGreaterThan(100);
    expect([...voidedTypes].sort()).toEqual([...voidableTypes].sort());
  });

  it('refuses exactly the reverts whose range holds a money movement that still counts', () => {
    let refusedForMoney = 0;
    fc.assert(
      fc.property(histories, fc.nat(), ({ events }, pick) => {
        const state = foldOrder(events) as PlacedOrder;
        if (state.version < 2) return;
        const toVersion = 1 + (pick % (state.version - 1));
        const counting = state.versions.filter((entry) => entry.version > toVersion && entry.voidedBy === undefined);
        const target = state.versions[toVersion - 1];
        const holdsMoney = counting.some((entry) => moneyMovements.has(entry.type));
        let rule: string | undefined;
        try {
          decide(revertOrder(toVersion), state);
        } catch (error) {
          rule = (error as { rule: string }).rule;
        }
        if (target.voidedBy !== undefined) expect(rule).toBe('revert-target-voided');
        else if (counting.every((entry) => entry.type === 'OrderReverted')) expect(rule).toBe('nothing-to-revert');
        else if (holdsMoney) {
          refusedForMoney += 1;
          expect(rule).toBe('revert-not-allowed');
        } else expect(rule).toBeUndefined();
      }),
      { numRuns: 400, seed: 14 },
    );
    expect(refusedForMoney).toBeGreaterThan(20);
  });
});
