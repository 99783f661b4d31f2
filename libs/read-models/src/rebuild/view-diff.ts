/**
 * Online diff of two generations of a view (issue 7): counts, and a sha-256 of each document's
 * canonical JSON, streamed page by page. Both sides are keyset-paged by (orderId, id) and
 * merge-joined per order, so memory holds one page and one order's documents per side, never
 * the view. A difference is named by document: the order id for the head collection,
 * `<collection>/<orderId>` for an order's records (the ids of records are the store's own).
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { JsonObject } from '@ordersource/event-store';
import type { CollectionDefinition, ReadStore, ViewDefinition } from '../store/read-store.port';
import { DIFF_KEY } from './rebuild-views';

export interface ViewDiff {
  /** Documents in the live generation, over all its collections. */
  liveCount: number;
  rebuiltCount: number;
  differences: number;
  /** The first `cap` differing documents, in (collection, orderId) order. */
  differingIds: string[];
}

export interface DiffOptions {
  /** Most ids listed; the count is always exact. Default 100. */
  cap?: number;
  pageSize?: number;
}

interface OrderGroup {
  orderId: string;
  hashes: string[];
}

export function documentHash(document: JsonObject): string {
  return createHash('sha256')
    .update(canonicalize(document) ?? 'null')
    .digest('hex');
}

export async function diffGenerations(store: ReadStore, view: ViewDefinition, live: number, rebuilt: number, options: DiffOptions = {}): Promise<ViewDiff> {
  const result: ViewDiff = { liveCount: 0, rebuiltCount: 0, differences: 0, differingIds: [] };
  const cap = options.cap ?? 100;
  for (const collection of [view.head, ...view.records]) {
    const label = (orderId: string) => (collection.name === view.name ? orderId : `${collection.name}/${orderId}`);
    const counts = { live: 0, rebuilt: 0 };
    const left = orderGroups(store, view.name, collection, live, options.pageSize, () => (counts.live += 1));
    const right = orderGroups(store, view.name, collection, rebuilt, options.pageSize, () => (counts.rebuilt += 1));
    let a = await left.next();
    let b = await right.next();
    while (!a.done || !b.done) {
      let differing: string | undefined;
      if (b.done || (!a.done && a.value.orderId < b.value.orderId)) {
        differing = (a.value as OrderGroup).orderId;
        a = await left.next();
      } else if (a.done || b.value.orderId < a.value.orderId) {
        differing = b.value.orderId;
        b = await right.next();
      } else {
        if (!sameHashes(a.value.hashes, b.value.hashes)) differing = a.value.orderId;
        [a, b] = await Promise.all([left.next(), right.next()]);
      }
      if (differing === undefined) continue;
      result.differences += 1;
      if (result.differingIds.length < cap) result.differingIds.push(label(differing));
    }
    result.liveCount += counts.live;
    result.rebuiltCount += counts.rebuilt;
  }
  return result;
}

function sameHashes(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((hash, index) => hash === b[index]);
}

/** One generation's documents grouped by order, in order id order; each group's hashes sorted. */
async function* orderGroups(store: ReadStore, view: string, collection: CollectionDefinition, generation: number, pageSize = 1000, counted: () => void): AsyncGenerator<OrderGroup> {
  let current: OrderGroup | undefined;
  let cursor: string | undefined;
  do {
    const page = await store.findPage({ view, collection: collection.name, generation, sortBy: DIFF_KEY, direction: 'asc', limit: pageSize, cursor });
    for (const document of page.items) {
      counted();
      const orderId = String(document[DIFF_KEY]);
      if (current && current.orderId !== orderId) {
        yield { orderId: current.orderId, hashes: current.hashes.sort() };
        current = undefined;
      }
      current ??= { orderId, hashes: [] };
      current.hashes.push(documentHash(document));
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  if (current) yield { orderId: current.orderId, hashes: current.hashes.sort() };
}
