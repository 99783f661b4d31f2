import { DomainError } from '@ordersource/domain';
import { ProblemError, problems } from '@ordersource/platform';

/** The one place domain rule violations become HTTP problems (STYLE.md "The domain"). */
export function domainProblem(error: DomainError): ProblemError {
  switch (error.kind) {
    case 'not-found':
      return problems.notFound(error.rule, error.message);
    case 'conflict':
      return problems.conflict(error.rule, error.message);
    case 'invalid':
      return new ProblemError(400, error.rule, 'Invalid request', error.message, [{ path: error.path ?? '(body)', message: error.message }]);
  }
}
