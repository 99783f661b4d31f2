export { Rebuilder, RebuildConflictError, RebuildInterrupted, UnknownViewError, type RebuilderOptions, type StartedRebuild } from './rebuilder';
export type { RebuildProgress } from './rebuild-run';
export { RebuildRecords, type RebuildRecord, type RebuildState } from './rebuild-records';
export { rebuildMigrations, CreateRebuilds1797000000000 } from './rebuild-migrations';
export { PausableSubscriptions } from './pausable-subscriptions';
export { openRebuildStore, rebuildViews, withDiffKeys } from './rebuild-views';
export { diffGenerations, documentHash, type ViewDiff } from './view-diff';
