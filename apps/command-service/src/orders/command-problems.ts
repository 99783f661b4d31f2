import { isDomainError } from '@ordersource/domain';
import { IdempotencyKeyReusedError } from '@ordersource/event-store';
import { ProblemError, problems } from '@ordersource/platform';
import { ConcurrencyRetriesExhaustedError, StreamVersionMismatchError } from './handle-command';

/**
 * The one place the command path's failures become HTTP problems (STYLE.md "The domain"):
 * broken business rules, a stale If-Match, races lost too often, a reused Idempotency-Key.
 * Anything else is not the caller's fault and stays an error (500, never stored).
 */
export function commandProblem(error: unknown): ProblemError | undefined {
  if (error instanceof ProblemError) return error;
  if (isDomainError(error)) {
    switch (error.kind) {
      case 'not-found':
        return problems.notFound(error.rule, error.message);
      case 'conflict':
        return problems.conflict(error.rule, error.message);
      case 'invalid':
        return new ProblemError(400, error.rule, 'Invalid request', error.message, [{ path: error.path ?? '(body)', message: error.message }]);
    }
  }
  if (error instanceof StreamVersionMismatchError) {
    return problems.preconditionFailed(
      error.actual === undefined
        ? `The order changed meanwhile; it is no longer at version ${error.expected}.`
        : `If-Match names version ${error.expected}; the order is at version ${error.actual}.`,
    );
  }
  if (error instanceof ConcurrencyRetriesExhaustedError) {
    return problems.conflict('concurrency-conflict', 'The order kept changing while this command was tried; retry later.', { 'retry-after': '1' });
  }
  if (error instanceof IdempotencyKeyReusedError) return problems.idempotencyKeyReused();
  return undefined;
}
