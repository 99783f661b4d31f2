import { bodyValidator } from '@ordersource/platform';
import { objectOf, text200 } from '@ordersource/contracts';

export interface RevertOrderRequest {
  toVersion: number;
  reason: string;
  /** Decide and show before/after, append nothing (API.md "Corrections"). */
  dryRun?: boolean;
}

export const revertOrderSchema = objectOf(
  { toVersion: { type: 'integer', minimum: 1, maximum: 1_000_000_000 }, reason: text200, dryRun: { type: 'boolean' } },
  ['toVersion', 'reason'],
);
export const revertOrderRequest = bodyValidator<RevertOrderRequest>(revertOrderSchema);
