/**
 * The one loop that tails the log (issue 11), shared by the Kafka relay and the PostgreSQL-log
 * subscriptions: win the leadership for a name, resume from its checkpoint, read readAll page by
 * page, hand each page over, move the checkpoint only after the page was handled (at-least-once:
 * a crash re-delivers at most one page), report the lag, and wait for the next append
 * notification with a back-off to the poll interval. A failure drops the leadership and retries.
 */
import type { EventStore, LogEvent } from '@ordersource/event-store';
import { eventsAfter, loadCheckpoint, saveCheckpoint } from './checkpoints';
import { acquireLeadership, type Leadership } from './leadership';

export interface LogLag {
  /** Age of the last handled event while behind; 0 when caught up. */
  seconds: number;
  /** Events in the log after the checkpoint (approximate); 0 when caught up. */
  events: number;
}

export interface PageHeld {
  holdMs: number;
}

export interface LogTailOptions {
  store: EventStore;
  /** Owner's URL of the event store database (the lock and checkpoint connection). */
  url: string;
  /** The advisory lock that makes this instance the only reader of `checkpoint`. */
  lockName: string;
  checkpoint: string;
  batchSize: number;
  /** Fallback poll when no notification arrives; default 1000 ms. */
  pollMs?: number;
  /** How often a waiting instance retries the lock. */
  lockPollMs?: number;
  isRunning(): boolean;
  /** This instance now leads: get ready to handle pages (connect a producer, forget caches). */
  onLeader(leadership: Leadership): Promise<void>;
  /** The leadership ended (stop, failure or a lost connection); always called after onLeader. */
  onLeadershipEnd(): Promise<void>;
  /**
   * Hands one page over; the checkpoint moves past it once this resolves. Answering `{holdMs}`
   * says the page cannot be handled yet (the relay's event too large for the topic): the
   * checkpoint stays and the same page is read again after that long, or on the next append.
   */
  handle(events: LogEvent[]): Promise<void | PageHeld>;
  reportLag(lag: LogLag): void;
  onFailure(error: unknown): void;
}

/** Runs until `isRunning()` turns false. */
export async function tailLog(options: LogTailOptions): Promise<void> {
  while (options.isRunning()) {
    const leadership = await acquireLeadership({ url: options.url, lockName: options.lockName, pollMs: options.lockPollMs, isRunning: options.isRunning });
    if (!leadership) return;
    try {
      await options.onLeader(leadership);
      await readWhileLeader(options, leadership);
    } catch (error) {
      if (options.isRunning()) options.onFailure(error);
    } finally {
      await options.onLeadershipEnd();
      await leadership.release();
    }
  }
}

async function readWhileLeader(options: LogTailOptions, leadership: Leadership): Promise<void> {
  const saved = await loadCheckpoint(leadership.client, options.checkpoint);
  let cursor = saved?.cursor;
  let position = saved?.position ?? null;
  const pollMs = options.pollMs ?? 1000;
  let idleWaitMs = 10;
  while (options.isRunning() && !leadership.lost) {
    const page = await options.store.readAll({ after: cursor, limit: options.batchSize });
    if (page.events.length > 0) {
      const held = await options.handle(page.events);
      if (held) {
        await leadership.nextNotification(held.holdMs);
        continue;
      }
      cursor = page.cursor;
      position = maxPosition(position, page.events);
      await saveCheckpoint(leadership.client, options.checkpoint, { cursor, position });
      const last = page.events[page.events.length - 1];
      options.reportLag(
        page.endOfLog
          ? { seconds: 0, events: 0 }
          : { seconds: Math.max(0, (Date.now() - Date.parse(last.recordedAt)) / 1000), events: await eventsAfter(leadership.client, position) },
      );
      idleWaitMs = 10;
      if (!page.endOfLog) continue;
    } else {
      options.reportLag({ seconds: 0, events: 0 });
    }
    // After a notification the event may still hide behind an older open transaction:
    // look again soon, backing off to the poll interval.
    const notified = await leadership.nextNotification(idleWaitMs);
    idleWaitMs = notified ? 10 : Math.min(pollMs, idleWaitMs * 2);
  }
}

/** Positions are not in readAll's order: the checkpoint keeps the highest one seen. */
function maxPosition(current: string | null, events: readonly LogEvent[]): string | null {
  let max = current === null ? -1n : BigInt(current);
  for (const event of events) if (BigInt(event.position) > max) max = BigInt(event.position);
  return max < 0n ? null : max.toString();
}
