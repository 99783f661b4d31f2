/** The demo's HTTP client: undici with keep-alive, one pool per service. */
import { Agent, request } from 'undici';
import type { Role } from './model';

export type Keys = Record<Role, string | undefined>;

export interface Answer {
  status: number;
  body: unknown;
  ms: number;
}

export interface CommandAnswer extends Answer {
  version?: number;
  orderStatus?: string;
}

const RETRYABLE = new Set([503]);

export class DemoClient {
  private readonly agent: Agent;

  constructor(
    readonly commandUrl: string,
    readonly queryUrl: string,
    private readonly keys: Keys,
    connections = 64,
  ) {
    this.agent = new Agent({ connections, pipelining: 1, keepAliveTimeout: 30_000 });
  }

  /** A command, retried with the same Idempotency-Key on a network error, 503 or a key in flight. */
  async command(path: string, body: unknown, role: Role, idempotencyKey: string): Promise<CommandAnswer> {
    let attempt = 0;
    for (;;) {
      attempt++;
      try {
        const answer = await this.send('POST', `${this.commandUrl}${path}`, role, { 'content-type': 'application/json', 'idempotency-key': idempotencyKey }, JSON.stringify(body));
        const inFlight = answer.status === 409 && problemType(answer.body).endsWith('idempotency-key-in-flight');
        if ((RETRYABLE.has(answer.status) || inFlight) && attempt < 6) {
          await backoff(attempt);
          continue;
        }
        const result = answer.body as { version?: number; status?: string } | undefined;
        return { ...answer, version: result?.version, orderStatus: result?.status };
      } catch (error) {
        if (attempt >= 6) throw error;
        await backoff(attempt);
      }
    }
  }

  /** A one-order GET that waits (X-Min-Version) until the view holds `minVersion`. */
  async view(path: string, role: Role, minVersion?: number, waitMs = 10_000): Promise<Answer> {
    const headers: Record<string, string> = minVersion === undefined ? {} : { 'x-min-version': String(minVersion), 'x-wait-ms': String(waitMs) };
    return this.send('GET', `${this.queryUrl}${path}`, role, headers);
  }

  private async send(method: 'GET' | 'POST', url: string, role: Role, headers: Record<string, string>, body?: string): Promise<Answer> {
    const key = this.keys[role] ?? this.keys.operator;
    const started = performance.now();
    const response = await request(url, { method, dispatcher: this.agent, headers: { ...headers, authorization: `Bearer ${key}` }, body });
    const text = await response.body.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.statusCode, body: parsed, ms: performance.now() - started };
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

export function problemType(body: unknown): string {
  return typeof body === 'object' && body !== null && 'type' in body ? String((body as { type: unknown }).type) : '';
}

function backoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.min(2000, 50 * 2 ** attempt)));
}

/** True when something answers GET /health/live at `url`. */
export async function answers(url: string): Promise<boolean> {
  try {
    const response = await request(`${url}/health/live`, { headersTimeout: 2000, bodyTimeout: 2000 });
    await response.body.dump();
    return response.statusCode === 200;
  } catch {
    return false;
  }
}
