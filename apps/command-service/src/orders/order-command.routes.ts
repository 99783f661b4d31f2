import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { ApiProblems, problems } from '@ordersource/platform';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The OpenAPI decorations every order command controller shares (API.md "Headers", "Errors"). */
export function OrderCommandRoutes() {
  return applyDecorators(
    ApiTags('order commands'),
    ApiBearerAuth(),
    ApiHeader({ name: 'Idempotency-Key', required: false, description: '1-255 printable ASCII: a repeat with the same body answers as the first call and appends nothing', schema: { type: 'string', maxLength: 255 } }),
    ApiHeader({ name: 'If-Match', required: false, description: 'the expected order version, `"<version>"`; another version is 412', schema: { type: 'string' } }),
    ApiProblems(
      { status: 409, description: 'not allowed in the current state (`type` names the rule); `order-already-exists`; `idempotency-key-in-flight`; `concurrency-conflict` after retries (with `Retry-After`)' },
      412,
      { status: 422, description: '`Idempotency-Key` reused with a different body' },
    ),
  );
}

/** What a command answers, for OpenAPI. */
export const commandAnswer = '`{orderId, version, position, status}` (`version` and `position` of the last event appended)';

/** The `{orderId}` of a command route, parsed once: a UUID, in its canonical lower case. */
export function orderIdParam(value: string): string {
  if (!UUID.test(value)) throw problems.invalidRequest([{ path: 'orderId', message: 'must be a UUID' }]);
  return value.toLowerCase();
}
