import type { OrderCommand } from './commands';
import { decide } from './decide';
import type { OrderEvent } from './events';
import { evolve } from './evolve';
import { initialState, type OrderState } from './state';

/** Emmett's `Decider` shape, so the order plugs into a generic command handler. */
export interface Decider<State, Command, Event> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

export const orderDecider: Decider<OrderState, OrderCommand, OrderEvent> = {
  decide,
  evolve,
  initialState: () => initialState,
};

/** The state after a stream's events, oldest first. */
export function foldOrder(events: readonly OrderEvent[], from: OrderState = initialState): OrderState {
  return events.reduce(evolve, from);
}
