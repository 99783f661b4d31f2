import type { EventMessage } from '@ordersource/contracts';

/**
 * What a projection-like handler saw: every delivery, and per order the versions it applied,
 * skipping what it has seen (the idempotency every real handler has) and flagging a gap.
 */
export class DeliveryLog {
  readonly deliveries: EventMessage[] = [];
  readonly applied = new Map<string, number[]>();
  readonly gaps: string[] = [];

  constructor(private readonly orders?: ReadonlySet<string>) {}

  readonly handle = async (batch: readonly EventMessage[]): Promise<void> => {
    for (const event of batch) {
      if (this.orders && !this.orders.has(event.orderId)) continue;
      this.deliveries.push(event);
      const versions = this.applied.get(event.orderId) ?? [];
      const last = versions[versions.length - 1] ?? 0;
      if (event.version <= last) continue;
      if (event.version !== last + 1) this.gaps.push(`${event.orderId}: v${event.version} after v${last}`);
      versions.push(event.version);
      this.applied.set(event.orderId, versions);
    }
  };

  appliedCount(): number {
    let total = 0;
    for (const versions of this.applied.values()) total += versions.length;
    return total;
  }
}
