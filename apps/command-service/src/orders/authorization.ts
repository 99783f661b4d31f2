import { OrderState, isPlaced } from '@ordersource/domain';
import { Principal, problems } from '@ordersource/platform';

/**
 * The one place a caller's right to an order command is decided, beyond the route's roles
 * (`@Access`, API.md "Auth"): a customer key acts on its own orders only.
 */

/** A customer key places orders for its own customerId only (403: the request names someone else). */
export function assertMayPlaceFor(principal: Principal, customerId: string): void {
  if (principal.role === 'customer' && customerId !== principal.customerId) {
    throw problems.forbidden('A customer key places orders for its own customerId only.');
  }
}

/** Another customer's order does not exist for a customer key (API.md: never 403). */
export function guardOrder(principal: Principal, orderId: string, state: OrderState): void {
  if (principal.role === 'customer' && isPlaced(state) && state.customerId !== principal.customerId) {
    throw problems.notFound('order-not-found', `Order ${orderId} was not found.`);
  }
}
