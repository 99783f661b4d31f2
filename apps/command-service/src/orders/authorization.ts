import { DomainError, OrderCommand, OrderState, decide, initialState, isPlaced } from '@ordersource/domain';
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

/**
 * Another customer's order does not exist for a customer key (API.md: never 403; v1
 * clarifications: answered exactly as an unknown order). Runs on the loaded state before the
 * If-Match check and the decider, and refuses the command as the decider refuses it on an order
 * that was never placed: same status, rule and detail, whatever the command.
 */
export function guardOrder(principal: Principal, command: OrderCommand, state: OrderState): void {
  if (principal.role !== 'customer' || !isPlaced(state) || state.customerId === principal.customerId) return;
  decide(command, initialState);
  // Only placing decides anything on an unplaced order; that id is taken by someone else.
  throw new DomainError('order-not-found', 'The order does not exist.');
}
