import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AppendResult,
  EventStore,
  IdempotencyKey,
  IdempotentResult,
  NewEvent,
  RecordedEvent,
  WrongExpectedVersionError,
  isDuplicateAppend,
} from '@ordersource/event-store';
import { noTracer, Tracer } from '@ordersource/platform';

/**
 * The one generic command handler (ARCHITECTURE.md "How an order travels", step 2; modelled on
 * Emmett's handleCommandWithDecider): load the stream, fold it, decide, append with the loaded
 * version and the idempotency record in one transaction. It knows no command types: the use
 * case hands it a `decide` already bound to its command.
 */
export interface HandleCommandOptions<State, Event> {
  evolve(state: State, event: Event): State;
  initialState(): State;
  /** A stored event as the decider knows it. */
  fromRecorded(event: RecordedEvent): Event;
  /** The decided events as they are stored (metadata, sealing), given the state they lead to. */
  toNewEvents(events: Event[], after: State): Promise<NewEvent[]>;
  /** Runs on the loaded state before anything else looks at it (authorization). */
  guard?(state: State): void;
  /**
   * The version the caller last saw (If-Match): an existing stream at another version fails
   * with StreamVersionMismatchError, and a lost race is the caller's, never retried.
   */
  expectedVersion?: number;
  /** The stream almost never exists yet (a new order): append as new without reading, read only when that loses. */
  expectNewStream?: boolean;
  /** How often a lost race is retried (with full jitter) when no expectedVersion was given. */
  maxRetries: number;
  onRetry?(attempt: number): void;
  /** Recorded with the append, in its transaction; `result` is what a repeat gets back. */
  idempotency?: IdempotencyKey & { ttlMs?: number; result(handled: CommandHandled<State>): IdempotentResult };
  /** Spans `decide <command>` (load, fold, guard, decide) and `append <command>` of each attempt (issue 15). */
  trace?: { tracer: Tracer; command: string };
}

export interface CommandHandled<State> {
  kind: 'handled';
  newState: State;
  newEvents: RecordedEvent[];
  /** The stream's version after the command. */
  version: number;
  /** Position of the last appended event. */
  position: string;
}

/** The append found the idempotency key completed meanwhile: nothing was appended. */
export interface CommandRepeated {
  kind: 'repeated';
  result: IdempotentResult;
}

/** The stream exists at another version than the caller's If-Match named. */
export class StreamVersionMismatchError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: number,
    readonly actual: number | undefined,
  ) {
    super(actual === undefined ? `stream ${streamId} is no longer at version ${expected}` : `stream ${streamId} is at version ${actual}, not ${expected}`);
    this.name = 'StreamVersionMismatchError';
  }
}

/** Every retry of a command lost its race: the stream kept changing. */
export class ConcurrencyRetriesExhaustedError extends Error {
  constructor(readonly streamId: string) {
    super(`stream ${streamId} kept changing while the command was tried`);
    this.name = 'ConcurrencyRetriesExhaustedError';
  }
}

export async function handleCommand<State, Event>(
  store: EventStore,
  streamId: string,
  decide: (state: State) => Event[],
  options: HandleCommandOptions<State, Event>,
): Promise<CommandHandled<State> | CommandRepeated> {
  let assumeNew = options.expectNewStream === true;
  for (let attempt = 0; ; attempt++) {
    try {
      return await attemptCommand(store, streamId, decide, options, assumeNew);
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      if (assumeNew) {
        // Guessed wrong (a client retrying its orderId): read the stream; not a lost race.
        assumeNew = false;
        attempt--;
        continue;
      }
      if (options.expectedVersion !== undefined) throw new StreamVersionMismatchError(streamId, options.expectedVersion, undefined);
      if (attempt >= options.maxRetries) throw new ConcurrencyRetriesExhaustedError(streamId);
      options.onRetry?.(attempt);
      // Full jitter on an exponential base: concurrent losers spread out instead of colliding again.
      await sleep(randomInt(1, 5 * 2 ** Math.min(attempt, 5) + 2));
    }
  }
}

export interface CommandPreview<State, Event> {
  /** The stream as loaded, oldest first. */
  history: RecordedEvent[];
  /** The stream's version the command was decided at. */
  version: number;
  state: State;
  /** What the command would append; nothing was. */
  events: Event[];
  newState: State;
}

/**
 * A dry run (e.g. a revert's, API.md "Corrections"): the same load, guard, If-Match check and
 * decide as handleCommand, and no append, so the store stays byte-for-byte as it was.
 */
export async function previewCommand<State, Event>(
  store: Pick<EventStore, 'readStream'>,
  streamId: string,
  decide: (state: State) => Event[],
  options: Pick<HandleCommandOptions<State, Event>, 'evolve' | 'initialState' | 'fromRecorded' | 'guard' | 'expectedVersion'>,
): Promise<CommandPreview<State, Event>> {
  const history = await store.readStream(streamId);
  return { history, ...decideOn(streamId, history, decide, options) };
}

function decideOn<State, Event>(
  streamId: string,
  history: RecordedEvent[],
  decide: (state: State) => Event[],
  options: Pick<HandleCommandOptions<State, Event>, 'evolve' | 'initialState' | 'fromRecorded' | 'guard' | 'expectedVersion'>,
) {
  const state = history.map(options.fromRecorded).reduce(options.evolve, options.initialState());
  const version = history.length === 0 ? 0 : history[history.length - 1].version;
  options.guard?.(state);
  if (options.expectedVersion !== undefined && version > 0 && options.expectedVersion !== version) {
    throw new StreamVersionMismatchError(streamId, options.expectedVersion, version);
  }
  const events = decide(state);
  return { version, state, events, newState: events.reduce(options.evolve, state) };
}

async function attemptCommand<State, Event>(
  store: EventStore,
  streamId: string,
  decide: (state: State) => Event[],
  options: HandleCommandOptions<State, Event>,
  assumeNew: boolean,
): Promise<CommandHandled<State> | CommandRepeated> {
  const tracer = options.trace?.tracer ?? noTracer;
  const command = options.trace?.command ?? 'command';
  const attributes = { 'ordersource.stream_id': streamId };
  const { version, events, newState } = await tracer.inSpan(`decide ${command}`, { attributes }, async () =>
    decideOn(streamId, assumeNew ? [] : await store.readStream(streamId), decide, options),
  );
  const toAppend = await options.toNewEvents(events, newState);
  const handled = (appended: AppendResult): CommandHandled<State> => ({
    kind: 'handled',
    newState,
    newEvents: appended.events,
    version: appended.version,
    position: appended.position,
  });
  const { idempotency } = options;
  const result = await tracer.inSpan(`append ${command}`, { attributes: { ...attributes, 'ordersource.events': toAppend.length } }, () =>
    store.appendToStream(streamId, version === 0 ? 'no_stream' : version, toAppend, {
      idempotency: idempotency && { ...idempotency, result: (appended) => idempotency.result(handled(appended)) },
    }),
  );
  if (isDuplicateAppend(result)) return { kind: 'repeated', result: result.result };
  return handled(result);
}
