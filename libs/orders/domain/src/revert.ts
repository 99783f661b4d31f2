/**
 * Deciding a revert (API.md "Corrections", issue 13). The rules, in the order they are checked:
 *
 * - `toVersion` is at least 1 (400 `invalid-revert-target`) and below the order's version
 *   (409 `nothing-to-revert`): a revert always voids something. Also 409 `nothing-to-revert`
 *   when only reverts came after the target: the order already is as it stood there.
 * - The target must still count (409 `revert-target-voided`): a version an earlier revert voided
 *   is not a state the order can return to, so a revert is never undone by "reverting to" what
 *   it voided. To undo a mistaken revert, send the commands again; the log then says plainly
 *   what happened twice.
 * - Reverting across an earlier revert is allowed: the voided versions are those in
 *   (toVersion, version] that still count, the earlier OrderReverted among them (its own
 *   voided versions stay voided by it, and `voidedBy` always names the first revert that voided
 *   a version). The order is then as it stood at `toVersion`, whatever came after.
 * - Money that moved stays moved (409 `revert-not-allowed`, naming the events): a capture or a
 *   refund in the voided range refuses the whole revert; refund instead.
 */
import type { RevertOrder } from './commands';
import { DomainError } from './errors';
import { moneyMovementTypes, type OrderEvent, type OrderEventType } from './events';
import type { OrderVersion, PlacedOrder } from './state';

const moneyMovements = new Set<OrderEventType>(moneyMovementTypes);

export function revertOrder({ data, metadata }: RevertOrder, order: PlacedOrder): OrderEvent[] {
  const voided = versionsVoidedBy(order, data.toVersion);
  return [
    {
      type: 'OrderReverted',
      schemaVersion: 1,
      data: { orderId: order.orderId, toVersion: data.toVersion, voidedVersions: voided.map((entry) => entry.version), reason: data.reason },
      occurredAt: metadata.now,
    },
  ];
}

/** The versions a revert to `toVersion` would void, oldest first; throws the rule it breaks. */
export function versionsVoidedBy(order: PlacedOrder, toVersion: number): OrderVersion[] {
  if (!Number.isSafeInteger(toVersion) || toVersion < 1) {
    throw new DomainError('invalid-revert-target', 'toVersion must be a whole number of at least 1.', { path: 'toVersion' });
  }
  if (toVersion >= order.version) {
    throw new DomainError('nothing-to-revert', `Cannot revert to version ${toVersion}: the order is at version ${order.version}; toVersion must be lower.`);
  }
  const target = order.versions[toVersion - 1];
  if (target.voidedBy !== undefined) {
    throw new DomainError('revert-target-voided', `Cannot revert to version ${toVersion}: the revert at version ${target.voidedBy} voided it; choose a version that still counts.`);
  }
  const voided = order.versions.filter((entry) => entry.version > toVersion && entry.voidedBy === undefined);
  // Only reverts count after the target: the last of them already returned the order there
  // (its target counts, so it is the target or a revert that returned there), so this one would
  // change nothing; refusing it makes a repeated batch revert append nothing.
  if (voided.every((entry) => entry.type === 'OrderReverted')) {
    throw new DomainError('nothing-to-revert', `The order already is as it stood at version ${toVersion}: only reverts came after it.`);
  }
  const money = voided.filter((entry) => moneyMovements.has(entry.type));
  if (money.length > 0) {
    const named = money.map((entry) => `${entry.type} (version ${entry.version})`).join(', ');
    throw new DomainError('revert-not-allowed', `Cannot revert to version ${toVersion}: ${named} moved money and cannot be voided; refund instead.`);
  }
  return voided;
}
