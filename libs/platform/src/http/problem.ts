/**
 * RFC 9457 problem details (API.md "Errors"): `type` is a stable URI ending in the rule's
 * name, `errors` lists each invalid field. Everything the services answer with 4xx/5xx is one
 * of these; a stack trace never reaches a body.
 */

export const PROBLEM_TYPE_BASE = 'https://ordersource.dev/problems/';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface FieldError {
  path: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly rule: string,
    readonly title: string,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'ProblemError';
  }

  toBody(): ProblemBody {
    return {
      type: `${PROBLEM_TYPE_BASE}${this.rule}`,
      title: this.title,
      status: this.status,
      detail: this.detail,
      ...(this.errors ? { errors: this.errors } : {}),
      ...this.extensions,
    };
  }
}

export const problems = {
  invalidRequest: (errors: FieldError[], detail = 'The request is not valid; see errors.') =>
    new ProblemError(400, 'invalid-request', 'Invalid request', detail, errors),
  malformedJson: (detail: string) => new ProblemError(400, 'malformed-json', 'Malformed JSON', detail),
  unauthorized: () =>
    new ProblemError(401, 'unauthorized', 'Unauthorized', 'Send `Authorization: Bearer <key>` with a known API key.', undefined, {
      'www-authenticate': 'Bearer',
    }),
  forbidden: (detail = 'Your role may not use this route.') => new ProblemError(403, 'forbidden', 'Forbidden', detail),
  notFound: (rule: string, detail: string) => new ProblemError(404, rule, 'Not found', detail),
  conflict: (rule: string, detail: string, headers?: Record<string, string>) => new ProblemError(409, rule, 'Conflict', detail, undefined, headers),
  preconditionFailed: (detail: string) => new ProblemError(412, 'version-mismatch', 'Precondition failed', detail),
  payloadTooLarge: (limit: number) => new ProblemError(413, 'payload-too-large', 'Payload too large', `The body is larger than ${limit} bytes.`),
  unsupportedMediaType: () =>
    new ProblemError(415, 'unsupported-media-type', 'Unsupported media type', 'Send the body as `Content-Type: application/json`.'),
  idempotencyKeyReused: () =>
    new ProblemError(422, 'idempotency-key-reused', 'Idempotency key reused', 'This Idempotency-Key was used with a different body.'),
  tooManyRequests: (limit: { max: number; windowMs: number }, retryAfterSeconds: number) =>
    new ProblemError(429, 'rate-limited', 'Too many requests', `More than ${limit.max} requests within ${limit.windowMs} ms from this API key (or this address, without a key); retry after ${retryAfterSeconds} s.`, undefined, {
      'retry-after': String(retryAfterSeconds),
    }),
  unavailable: (rule: string, detail: string, retryAfterSeconds = 1) =>
    new ProblemError(503, rule, 'Service unavailable', detail, undefined, { 'retry-after': String(retryAfterSeconds) }),
  internal: () => new ProblemError(500, 'internal-error', 'Internal server error', 'The server failed to answer; the error was logged.'),
};
