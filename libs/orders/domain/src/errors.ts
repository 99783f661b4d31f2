/**
 * Every business rule the decider enforces, by the kebab-case name that ends the RFC 9457
 * problem `type` URI, and the kind of failure the HTTP edge maps to a status:
 * not-found -> 404, conflict -> 409, invalid -> 400.
 */
export const domainRules = {
  // existence
  'order-not-found': 'not-found',
  'order-already-exists': 'conflict',
  // lifecycle: the command is not allowed in the order's current status
  'payment-already-authorized': 'conflict',
  'payment-not-authorized': 'conflict',
  'payment-already-captured': 'conflict',
  'payment-not-captured': 'conflict',
  'order-not-paid': 'conflict',
  'order-not-shipped': 'conflict',
  'order-already-shipped': 'conflict',
  'order-already-delivered': 'conflict',
  'order-cancelled': 'conflict',
  'order-refunded': 'conflict',
  // amounts checked against the order
  'amount-mismatch': 'conflict',
  'refund-exceeds-captured': 'conflict',
  // corrections (revert.ts): checked against the order's versions
  'nothing-to-revert': 'conflict',
  'revert-target-voided': 'conflict',
  'revert-not-allowed': 'conflict',
  // invariants of the command's own values
  'order-has-no-items': 'invalid',
  'invalid-quantity': 'invalid',
  'invalid-unit-price': 'invalid',
  'total-out-of-range': 'invalid',
  'invalid-currency': 'invalid',
  'invalid-amount': 'invalid',
  'invalid-timestamp': 'invalid',
  'occurred-at-in-future': 'invalid',
  'invalid-revert-target': 'invalid',
} as const;

export type DomainRule = keyof typeof domainRules;
export type DomainErrorKind = (typeof domainRules)[DomainRule];

export interface DomainErrorOptions {
  /** The offending input field, e.g. `items[2].quantity`, for the problem's `errors[].path`. */
  readonly path?: string;
}

/** A broken business rule. Thrown by decide; the HTTP edge turns it into a problem document. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly kind: DomainErrorKind;
  readonly path?: string;

  constructor(
    readonly rule: DomainRule,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message);
    this.kind = domainRules[rule];
    if (options.path !== undefined) this.path = options.path;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
