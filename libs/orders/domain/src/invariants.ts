import { DomainError } from './errors';
import type { Money, OrderItem } from './values';

// Invariants of a command's own values. The HTTP edge validates shapes and limits first; these
// guard what must hold whoever calls the decider (a replay tool, a future consumer).

const isoUtcInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** How far a caller-given occurredAt may lie after the request time (API.md: clock skew). */
export const maxFutureSkewMs = 5 * 60 * 1000;

export function orderTotal(items: readonly OrderItem[]): Money {
  if (!Array.isArray(items) || items.length === 0) {
    throw new DomainError('order-has-no-items', 'An order needs at least one item.', { path: 'items' });
  }
  let total = 0;
  items.forEach((item, index) => {
    if (!Number.isSafeInteger(item.quantity) || item.quantity < 1) {
      throw new DomainError('invalid-quantity', `Item ${index} needs a positive whole quantity.`, {
        path: `items[${index}].quantity`,
      });
    }
    if (!Number.isSafeInteger(item.unitPrice) || item.unitPrice < 0) {
      throw new DomainError('invalid-unit-price', `Item ${index} needs a unit price in whole minor units, 0 or more.`, {
        path: `items[${index}].unitPrice`,
      });
    }
    total += item.quantity * item.unitPrice;
    if (!Number.isSafeInteger(total)) {
      throw new DomainError('total-out-of-range', 'The order total is too large to be counted exactly.', {
        path: 'items',
      });
    }
  });
  return total;
}

export function assertCurrency(currency: string): void {
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw new DomainError('invalid-currency', 'The currency must be an ISO 4217 code of three upper-case letters.', {
      path: 'currency',
    });
  }
}

export function assertAmount(amount: Money, { positive }: { positive: boolean }): void {
  if (!Number.isSafeInteger(amount) || amount < (positive ? 1 : 0)) {
    const what = positive ? 'more than 0' : '0 or more';
    throw new DomainError('invalid-amount', `The amount must be whole minor units, ${what}.`, { path: 'amount' });
  }
}

/**
 * Parses a caller-given instant and returns it in the canonical form (UTC, milliseconds), so
 * stored events sort as strings. `now` comes from the command metadata: no clock is read here.
 */
export function pastInstant(value: string, now: string, path: string): string {
  const at = parseInstant(value, path);
  if (at - parseInstant(now, 'metadata.now') > maxFutureSkewMs) {
    throw new DomainError('occurred-at-in-future', `${path} lies more than 5 minutes after the request time.`, {
      path,
    });
  }
  return new Date(at).toISOString();
}

function parseInstant(value: string, path: string): number {
  const at = typeof value === 'string' && isoUtcInstant.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at)) {
    throw new DomainError('invalid-timestamp', `${path} must be an ISO 8601 date-time with a time zone.`, { path });
  }
  return at;
}
