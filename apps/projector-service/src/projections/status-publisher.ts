import { ProjectionStatusStore, ViewGenerationAdmin } from '@ordersource/read-models';
import { Logger } from '@ordersource/platform';
import { ProjectionWorker } from './projection-worker';

/** Extra status a rebuild contributes (issue 7) while it runs. */
export type RebuildStatus = (projection: string) => { status: 'rebuilding'; rebuild: Record<string, string | number | null> } | undefined;

/**
 * Publishes each view's status where the query service reads it (GET /projections): the lag
 * the subscription reports (as data: never read back from the metrics registry), `stalled`
 * while an order is parked, `rebuilding` during a rebuild.
 */
export class StatusPublisher {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly workers: readonly ProjectionWorker[],
    private readonly readStore: Pick<ViewGenerationAdmin, 'generations'>,
    private readonly statusStore: ProjectionStatusStore,
    private readonly logger: Logger,
    private readonly rebuildStatus: RebuildStatus = () => undefined,
  ) {}

  start(intervalMs = 2000): void {
    const tick = () => void this.publishAll().catch((error: unknown) => this.logger.warn({ err: error }, 'publishing projection status failed'));
    tick();
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async publishAll(): Promise<void> {
    for (const worker of this.workers) {
      const [generations, parked] = await Promise.all([this.readStore.generations(worker.name), worker.parked()]);
      const rebuild = this.rebuildStatus(worker.name);
      await this.statusStore.publish({
        name: worker.name,
        version: generations.active,
        status: rebuild ? 'rebuilding' : parked.length > 0 ? 'stalled' : 'live',
        lagEvents: worker.lag().events,
        lagSeconds: worker.lag().seconds,
        parkedEvents: parked.length,
        ...(rebuild ? { rebuild: rebuild.rebuild } : {}),
      });
    }
  }
}
