/**
 * One active worker per name across processes: a PostgreSQL session advisory lock held on a
 * dedicated connection. When the holder dies, its backend ends and the lock is free, so a
 * waiting instance takes over within one poll. The same connection writes the checkpoint,
 * which fences a leader whose connection is gone: its late checkpoint write fails instead of
 * overwriting the new leader's progress.
 */
import { Client } from 'pg';
import { APP_ROLE, NOTIFY_CHANNEL } from '@ordersource/event-store';

export interface Leadership {
  /** The lock-holding connection (acts as ordersource_app); use it for checkpoint writes. */
  client: Client;
  /** Set once the connection is lost: the caller must stop working at once. */
  readonly lost: boolean;
  /** Resolves at the next append notification, or after `ms`. */
  nextNotification(ms: number): Promise<boolean>;
  release(): Promise<void>;
}

export interface LeadershipOptions {
  /** Owner's URL; the connection switches to ordersource_app by startup option. */
  url: string;
  lockName: string;
  pollMs?: number;
  isRunning: () => boolean;
}

/** Waits until this process holds the lock (or stops running: then resolves undefined). */
export async function acquireLeadership(options: LeadershipOptions): Promise<Leadership | undefined> {
  const pollMs = options.pollMs ?? 250;
  while (options.isRunning()) {
    const client = new Client({ connectionString: options.url, options: `-c role=${APP_ROLE}`, application_name: `ordersource-messaging:${options.lockName}` });
    let lost = false;
    let wake: ((notified: boolean) => void) | undefined;
    // A notification that arrives while the reader is busy (no waiter yet) must not be lost:
    // the next wait returns at once instead of sleeping through the poll back-off.
    let missed = false;
    client.on('error', () => {
      lost = true;
      wake?.(false);
    });
    client.on('end', () => {
      lost = true;
      wake?.(false);
    });
    client.on('notification', () => {
      if (wake) wake(true);
      else missed = true;
    });
    try {
      await client.connect();
      while (options.isRunning() && !lost) {
        const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [options.lockName]);
        if (rows[0].locked) {
          await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
          return {
            client,
            get lost() {
              return lost;
            },
            nextNotification: (ms) =>
              new Promise<boolean>((resolve) => {
                if (missed) {
                  missed = false;
                  return resolve(true);
                }
                const timer = setTimeout(() => done(false), ms);
                function done(notified: boolean): void {
                  clearTimeout(timer);
                  wake = undefined;
                  resolve(notified);
                }
                wake = done;
              }),
            release: async () => {
              await client.end().catch(() => undefined);
            },
          };
        }
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    } catch {
      // The server is unreachable or the connection broke: retry with a new one.
    }
    await client.end().catch(() => undefined);
    if (options.isRunning()) await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return undefined;
}
