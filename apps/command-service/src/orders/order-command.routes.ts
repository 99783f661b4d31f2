import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiResponse, ApiTags } from '@nestjs/swagger';
import { problems } from '@ordersource/platform';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The OpenAPI decorations every order command controller shares (API.md "Headers", "Errors"). */
export function OrderCommandRoutes() {
  return applyDecorators(
    ApiTags('order commands'),
    ApiBearerAuth(),
    ApiHeader({ name: 'Idempotency-Key', required: false }),
    ApiHeader({ name: 'X-Correlation-Id', required: false }),
    ApiResponse({ status: 400, description: 'invalid request (problem+json with errors)' }),
    ApiResponse({ status: 409, description: 'not allowed in the current state; `type` names the rule' }),
  );
}

/** What a command answers, for OpenAPI. */
export const commandAnswer = { description: '`{orderId, version, position, status}`; `ETag: "<version>"`' };

/** The `{orderId}` of a command route, parsed once: a UUID, in its canonical lower case. */
export function orderIdParam(value: string): string {
  if (!UUID.test(value)) throw problems.invalidRequest([{ path: 'orderId', message: 'must be a UUID' }]);
  return value.toLowerCase();
}
