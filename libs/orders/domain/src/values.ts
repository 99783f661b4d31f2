// Value shapes shared by commands, events and state. Money is always integer minor units of the
// order's one currency (API.md "Conventions"): 1999 is 19.99 EUR.

export type Money = number;

export const paymentMethods = ['card', 'paypal', 'bank_transfer', 'wallet'] as const;
export type PaymentMethod = (typeof paymentMethods)[number];

/** Where an order was placed (OrderPlaced v2); `web` when not said, and for version 1 events. */
export const orderChannels = ['web', 'app', 'marketplace', 'pos'] as const;
export type OrderChannel = (typeof orderChannels)[number];
export const DEFAULT_CHANNEL: OrderChannel = 'web';

export const checkpointKinds = ['arrived', 'departed', 'out_for_delivery', 'exception'] as const;
export type CheckpointKind = (typeof checkpointKinds)[number];

export interface OrderItem {
  readonly sku: string;
  readonly name?: string;
  readonly quantity: number;
  readonly unitPrice: Money;
}

export interface ShippingAddress {
  readonly name: string;
  readonly line1: string;
  readonly line2?: string;
  readonly city: string;
  readonly postalCode: string;
  /** ISO 3166-1 alpha-2, upper-case. */
  readonly country: string;
}

/** Raised at compile time when a union gains a member that a switch does not handle. */
export function assertNever(value: never, what: string): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}
