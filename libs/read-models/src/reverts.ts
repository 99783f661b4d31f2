/**
 * How every view honours `OrderReverted` (issue 13), in one place rather than in five
 * projections: after a revert to `toVersion`, a view's head is the head it had at `toVersion`
 * (its `version` the revert's, for the guard and X-Min-Version), and the records of the voided
 * versions that the projection declares voidable are deleted. The head at `toVersion` is the
 * same pure fold of the order's events up to there, earlier reverts included, so a live view, a
 * rebuild and time travel can never disagree about it.
 */
import type { JsonObject, JsonValue } from '@ordersource/event-store';

export const ORDER_REVERTED = 'OrderReverted';

export interface RevertData {
  toVersion: number;
  voidedVersions: number[];
}

/** What a revert-aware fold needs of an event: a stored event and an audit entry both have it. */
export interface VersionedEvent {
  version: number;
  type: string;
  data: JsonObject | Record<string, unknown>;
}

export function revertOf(event: VersionedEvent): RevertData | null {
  if (event.type !== ORDER_REVERTED) return null;
  const data = event.data as { toVersion?: unknown; voidedVersions?: unknown };
  return { toVersion: Number(data.toVersion), voidedVersions: Array.isArray(data.voidedVersions) ? data.voidedVersions.map(Number) : [] };
}

/**
 * Folds one order's events (any order; repeats of a version ignored) through `evolve`, each
 * revert restoring the head as it stood at its target. Null while no event places the order.
 */
export function foldWithReverts<Event extends VersionedEvent, Head extends object>(
  events: readonly Event[],
  evolve: (head: Head | null, event: Event) => Head | null,
): Head | null {
  const byVersion = new Map<number, Event>();
  for (const event of events) if (!byVersion.has(event.version)) byVersion.set(event.version, event);
  const heads = new Map<number, Head | null>();
  let head: Head | null = null;
  for (const event of [...byVersion.values()].sort((a, b) => a.version - b.version)) {
    const revert = revertOf(event);
    head = revert ? revertedHead(heads.get(revert.toVersion) ?? null, event.version) : evolve(head, event);
    heads.set(event.version, head);
  }
  return head;
}

/** The head at the revert's target, carried to the revert's version. */
export function revertedHead<Head extends object>(atTarget: Head | null, version: number): Head | null {
  return atTarget === null ? null : ({ ...atTarget, version: version as JsonValue } as Head);
}
