import type { ProjectionWorker } from '../projections/projection-worker';
import type { ParkedEvents } from './parked.controller';

/** The parked events of this service's projection workers (each worker's subscription holds its own). */
export function parkedEventsOf(workers: readonly ProjectionWorker[]): ParkedEvents {
  const byName = new Map(workers.map((worker) => [worker.name, worker]));
  const worker = (view: string) => {
    const found = byName.get(view);
    if (!found) throw new Error(`no projection worker ${view}`);
    return found;
  };
  return {
    views: [...byName.keys()],
    list: (view) => worker(view).parked(),
    replay: (view, orderId) => worker(view).replayParked(orderId),
  };
}
