/**
 * HTTP over Node's fetch, as an outside client talks to the services: the one JSON request
 * helper of the e2e suites (test/e2e's support and the command service's harness).
 */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface RequestOptions {
  /** API key sent as Bearer; `null` sends none. Default: the client's default key. */
  key?: string | null;
  headers?: Record<string, string>;
  /** Send this exact text instead of JSON-encoding the body. */
  raw?: string;
}

/** One request; the body is JSON-encoded unless `raw` is given, the answer parsed when it is JSON. */
export async function jsonRequest(baseUrl: string, method: string, path: string, body: unknown, options: RequestOptions & { defaultKey: string | null }): Promise<HttpAnswer> {
  const headers: Record<string, string> = {};
  const key = options.key === undefined ? options.defaultKey : options.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const payload = options.raw ?? (body === undefined ? undefined : JSON.stringify(body));
  if (payload !== undefined) headers['content-type'] = 'application/json';
  Object.assign(headers, options.headers);
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}
