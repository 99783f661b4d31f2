/**
 * A sealed value that does not authenticate: its bytes were changed, it was moved to another
 * field or event type, or its key id points at another customer's key. Never shown as
 * "[erased]": that would hide tampering behind a legitimate-looking erasure.
 */
export class SealedValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealedValueError';
  }
}
