import type { RebuildStatus } from '../projections/status-publisher';
import type { Rebuilder } from '@ordersource/read-models';

/** What GET /projections shows of a rebuild running in this projector (status `rebuilding`). */
export function rebuildStatusOf(rebuilder: Rebuilder): RebuildStatus {
  return (projection) => {
    const progress = rebuilder.active(projection);
    if (!progress) return undefined;
    const { rebuildId, status, processed, total, eventsPerSecond, etaSeconds } = progress;
    return { status: 'rebuilding', rebuild: { rebuildId, status, processed, total, eventsPerSecond, etaSeconds } };
  };
}

/** A rebuild left running by a projector that died resumes when the next one starts. */
export async function resumeUnfinishedRebuilds(rebuilder: Rebuilder, warn: (fields: object, message: string) => void): Promise<void> {
  for (const view of rebuilder.views) {
    if (!(await rebuilder.records.unfinished(view))) continue;
    await rebuilder.start(view).catch((error: unknown) => warn({ view, err: error }, 'could not resume the rebuild (running elsewhere?)'));
  }
}
