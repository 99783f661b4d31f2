/**
 * The views as the rebuild reads them: every collection also declares `orderId` as a sortable
 * field, which every document of every view carries (heads are keyed by it, records name their
 * order). The diff pages both generations by (orderId, id) through the ordinary findPage, so
 * the two streams line up for a merge-join on any adapter. Queries of the services never sort
 * on it, so it needs no index; the rebuild's store is a second instance on the same database.
 */
import type { Pool } from 'pg';
import { readModelViews } from '../projections';
import { openReadStore } from '../store/open-read-store';
import type { CollectionDefinition, ReadStore, ViewDefinition } from '../store/read-store.port';

export const DIFF_KEY = 'orderId';

function withDiffKey(collection: CollectionDefinition): CollectionDefinition {
  return { ...collection, fields: { ...collection.fields, [DIFF_KEY]: 'string' } };
}

export function withDiffKeys(views: readonly ViewDefinition[]): ViewDefinition[] {
  return views.map((view) => ({ ...view, head: withDiffKey(view.head), records: view.records.map(withDiffKey) }));
}

export const rebuildViews: readonly ViewDefinition[] = withDiffKeys(readModelViews);

/**
 * The profile's read store over `rebuildViews` (openReadStore picks the adapter); ensureViews
 * recreates whatever a wiped read store lost (pointers, active generation), so `replay all` can
 * restore from the log alone.
 */
export function openRebuildStore(profile: 'embedded' | 'distributed', options: { pool: Pool; mongoUrl?: string }): Promise<ReadStore> {
  return openReadStore(profile, { ...options, views: rebuildViews });
}
