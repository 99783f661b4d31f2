import type { Decider } from '../../decider';
import { DomainError, type DomainRule } from '../../errors';

/**
 * given(events).when(command).then(events) / .thenThrows(rule), after Emmett's
 * DeciderSpecification: the state is built only by evolving the given events, as on replay.
 */
export const DeciderSpecification = {
  for<State, Command, Event>(decider: Decider<State, Command, Event>) {
    const fold = (events: readonly Event[], from: State) => events.reduce(decider.evolve, from);

    return (givenEvents: readonly Event[]) => ({
      when(command: Command) {
        const stateBefore = fold(givenEvents, decider.initialState());
        const run = () => decider.decide(command, stateBefore);

        return {
          /** Asserts the emitted events; chain `.andState` to assert the state they lead to. */
          then(expected: readonly Event[]) {
            const emitted = run();
            expect(emitted).toEqual(expected);
            return {
              andState(expectedState: Partial<State>) {
                expect(fold(emitted, stateBefore)).toMatchObject(expectedState);
              },
            };
          },

          thenThrows(rule: DomainRule) {
            let thrown: unknown;
            try {
              run();
            } catch (error) {
              thrown = error;
            }
            expect(thrown).toBeInstanceOf(DomainError);
            expect((thrown as DomainError).rule).toBe(rule);
            return thrown as DomainError;
          },
        };
      },
    });
  },
};
