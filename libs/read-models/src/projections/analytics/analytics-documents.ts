/**
 * Reads the analytics documents a window needs through the read-store port: the orders with a
 * fact in `[from, to)` are exactly those with lastAt >= from and firstAt < to. Without a window:
 * every order (the forecast trains on the whole history).
 */
import type { Condition, ViewReader } from '../../store/read-store.port';
import type { AnalyticsDocument } from './analytics.projection';
import type { AnalyticsWindow } from './figures';

const PAGE = 1000;

export async function analyticsDocuments(store: Pick<ViewReader, 'findPage'>, window?: AnalyticsWindow): Promise<AnalyticsDocument[]> {
  const where: Condition[] = window
    ? [
        { field: 'lastAt', op: 'gte', value: new Date(window.from).toISOString() },
        { field: 'firstAt', op: 'lt', value: new Date(window.to).toISOString() },
      ]
    : [];
  const documents: AnalyticsDocument[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.findPage({ view: 'analytics', where, sortBy: 'lastAt', direction: 'asc', limit: PAGE, cursor });
    documents.push(...(page.items as unknown as AnalyticsDocument[]));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return documents;
}
