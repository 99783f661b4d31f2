import { jsonRequest, type HttpAnswer, type RequestOptions } from '@ordersource/testing/raw-http';
import { keys } from './keys';

export type { HttpAnswer, RequestOptions };

/** HTTP over Node's fetch, as an outside client would talk to the services; the admin key unless told. */
export interface HttpClient {
  /** Mutable: a restarted service listens on another port. */
  baseUrl: string;
  get(path: string, options?: RequestOptions): Promise<HttpAnswer>;
  post(path: string, body?: unknown, options?: RequestOptions): Promise<HttpAnswer>;
}

export function httpClient(baseUrl: string): HttpClient {
  const client: HttpClient = {
    baseUrl,
    get: (path, options) => request(client.baseUrl, 'GET', path, undefined, options),
    post: (path, body, options) => request(client.baseUrl, 'POST', path, body, options),
  };
  return client;
}

function request(baseUrl: string, method: string, path: string, body: unknown, options: RequestOptions = {}): Promise<HttpAnswer> {
  return jsonRequest(baseUrl, method, path, body, { ...options, defaultKey: keys.admin });
}

/** Fails loudly unless the answer has the status expected; returns the body. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function ok(answer: HttpAnswer, status = 200, what = 'request'): any {
  if (answer.status !== status) throw new Error(`${what} answered ${answer.status} (expected ${status}): ${answer.text}`);
  return answer.body;
}

/** Runs `work` over `items` with at most `width` in flight at once. */
export async function inBatches<T, R>(items: readonly T[], width: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Follows `nextCursor` from `firstPath` to the end, with a guard against endless paging. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function allPages(client: HttpClient, firstPath: string, options?: RequestOptions): Promise<{ items: any[]; pages: number }> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const items: any[] = [];
  let pages = 0;
  let cursor: string | null = null;
  do {
    const separator = firstPath.includes('?') ? '&' : '?';
    const path: string = cursor ? `${firstPath}${separator}cursor=${encodeURIComponent(cursor)}` : firstPath;
    const body = ok(await client.get(path, options), 200, `GET ${path}`);
    items.push(...body.items);
    cursor = body.nextCursor ?? null;
    pages += 1;
    if (pages > 10_000) throw new Error(`${firstPath} never stopped paging`);
  } while (cursor);
  return { items, pages };
}
