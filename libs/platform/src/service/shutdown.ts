import { OnApplicationShutdown, Provider } from '@nestjs/common';
import type { Logger } from 'pino';

/**
 * What a service must close when it stops, in reverse order of opening (workers before the
 * stores they write, stores before the pool under them). A failing close is logged and the
 * rest still run.
 */
export class Closers {
  private readonly closers: (() => Promise<void>)[] = [];

  constructor(private readonly logger: Logger) {}

  add(close: () => Promise<void>): void {
    this.closers.push(close);
  }

  async closeAll(): Promise<void> {
    for (const close of this.closers.splice(0).reverse()) {
      await close().catch((error: unknown) => this.logger.warn({ err: error }, 'close failed'));
    }
  }
}

class ShutdownHook implements OnApplicationShutdown {
  constructor(private readonly close: () => Promise<void>) {}

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}

/**
 * Runs `close` once Nest has stopped the HTTP server, i.e. after in-flight requests finished
 * (Nest calls onApplicationShutdown after closing the listener).
 */
export function closeOnShutdown(close: () => Promise<void>): Provider {
  return { provide: ShutdownHook, useFactory: () => new ShutdownHook(close) };
}
