/**
 * Read-your-writes wake-ups (issue 17: 50 parked `X-Min-Version` reads polled the database
 * to ~3,800 transactions a second). The projector NOTIFYs after each batch it committed to a
 * view, naming the view and the orders it moved; a query service LISTENs and looks again only
 * at the waits those orders concern. Both profiles have PostgreSQL (it holds the log), so the
 * channel is there even when the views live in MongoDB. A notification is a hint: it is sent
 * after the commit and may be lost (a crash between the two, a listener reconnecting), so
 * waiters keep a slow fallback poll.
 */
import { Notifier } from '@ordersource/event-store';
import { Client, type Pool } from 'pg';

export const VIEW_PROGRESS_CHANNEL = 'ordersource_view_progress';

/** What moved: the view, and the orders it moved, or every order (`undefined`) when they did not fit. */
export interface ViewProgress {
  view: string;
  orderIds?: readonly string[];
}

// NOTIFY payloads stop at 8000 bytes; past this a notification says "anything may have moved".
const MAX_PAYLOAD = 7_000;

export function encodeViewProgress(progress: ViewProgress): string {
  const full = JSON.stringify({ view: progress.view, orderIds: progress.orderIds });
  return full.length <= MAX_PAYLOAD ? full : JSON.stringify({ view: progress.view });
}

/** The progress a payload names, or undefined for one that is not ours (the channel is open to any session). */
export function decodeViewProgress(payload: string | undefined): ViewProgress | undefined {
  try {
    const value = JSON.parse(payload ?? '') as { view?: unknown; orderIds?: unknown };
    if (typeof value.view !== 'string') return undefined;
    const orderIds = Array.isArray(value.orderIds) && value.orderIds.every((id) => typeof id === 'string') ? (value.orderIds as string[]) : undefined;
    return { view: value.view, orderIds };
  } catch {
    return undefined;
  }
}

/** The projector's side: one coalesced NOTIFY statement per flush, outside the views' transactions. */
export class ViewProgressPublisher {
  private readonly notifier: Notifier;

  constructor(pool: Pool, onError: (error: unknown) => void) {
    this.notifier = new Notifier(pool, onError, VIEW_PROGRESS_CHANNEL);
  }

  /** Call after the batch committed: a waiter woken earlier would look before the change is visible. */
  published(progress: ViewProgress): void {
    this.notifier.notify(encodeViewProgress(progress));
  }

  drained(): Promise<void> {
    return this.notifier.drained();
  }
}

export interface ViewProgressListenerOptions {
  url: string;
  /** Each notification; `undefined` after (re)connecting: whatever happened meanwhile was not heard. */
  onProgress: (progress: ViewProgress | undefined) => void;
  onError?: (error: unknown) => void;
  /** Pause before reconnecting a lost connection (default 1000 ms). */
  reconnectMs?: number;
}

/**
 * The query service's side: LISTEN on a dedicated connection, reconnected after it is lost (a
 * PostgreSQL restart must not end the process: every pg client has its 'error' listener).
 */
export class ViewProgressListener {
  private client: Client | undefined;
  private running = true;
  private retry: NodeJS.Timeout | undefined;
  private connected = false;

  private constructor(private readonly options: ViewProgressListenerOptions) {}

  /** Starts listening; resolves after the first attempt (listening or not: it keeps trying). */
  static async start(options: ViewProgressListenerOptions): Promise<ViewProgressListener> {
    const listener = new ViewProgressListener(options);
    await listener.connect();
    return listener;
  }

  get listening(): boolean {
    return this.connected;
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.options.url, application_name: 'ordersource-view-progress' });
    this.client = client;
    const lost = (error?: unknown) => {
      if (error) this.options.onError?.(error);
      if (this.client !== client) return;
      this.client = undefined;
      this.connected = false;
      void client.end().catch(() => undefined);
      if (this.running) this.retry = setTimeout(() => void this.connect(), this.options.reconnectMs ?? 1000);
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (message) => {
      if (message.channel !== VIEW_PROGRESS_CHANNEL) return;
      const progress = decodeViewProgress(message.payload);
      if (progress) this.options.onProgress(progress);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${VIEW_PROGRESS_CHANNEL}`);
      if (!this.running) return void (await client.end().catch(() => undefined));
      this.connected = true;
      this.options.onProgress(undefined);
    } catch (error) {
      lost(error);
    }
  }
}
