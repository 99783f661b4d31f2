import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One span as an OTLP/HTTP receiver decodes it, with the service (resource) that sent it. */
export interface ReceivedSpan {
  service: string;
  scope: string;
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, unknown>;
}

export const SpanKinds = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

export interface OtlpReceiver {
  /** Where the services send spans (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT). */
  tracesUrl: string;
  spans: ReceivedSpan[];
  /** Requests that were not an OTLP/HTTP JSON trace export (wrong path, type or body). */
  refused: string[];
  stop(): Promise<void>;
}

/**
 * A test OTLP/HTTP trace receiver. @opentelemetry/exporter-trace-otlp-http sends JSON
 * (`Content-Type: application/json`, the OTLP JSON mapping: ids as hex strings, kind as its
 * enum number, attribute values as `{stringValue|intValue|boolValue|doubleValue}`); anything
 * else is refused with 415 and recorded, so a change of encoding fails the suite, not hides.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const refused: string[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const type = request.headers['content-type'] ?? '';
      if (request.method !== 'POST' || request.url !== '/v1/traces' || !type.startsWith('application/json')) {
        refused.push(`${request.method} ${request.url} ${type}`);
        response.writeHead(415).end();
        return;
      }
      try {
        spans.push(...decodeExport(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      } catch (error) {
        refused.push(`undecodable export: ${(error as Error).message}`);
        response.writeHead(400).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    tracesUrl: `http://127.0.0.1:${port}/v1/traces`,
    spans,
    refused,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface OtlpAttribute {
  key: string;
  value: Record<string, unknown>;
}

/** ExportTraceServiceRequest (JSON) -> spans; throws on a shape that is not one. */
function decodeExport(body: unknown): ReceivedSpan[] {
  const request = body as { resourceSpans?: { resource?: { attributes?: OtlpAttribute[] }; scopeSpans?: { scope?: { name?: string }; spans?: Record<string, unknown>[] }[] }[] };
  if (!Array.isArray(request.resourceSpans)) throw new Error('no resourceSpans');
  const result: ReceivedSpan[] = [];
  for (const resourceSpans of request.resourceSpans) {
    const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? '');
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        const id = (field: string, length: number, optional = false) => {
          const value = span[field];
          if ((value === undefined || value === '') && optional) return '';
          if (typeof value !== 'string' || !new RegExp(`^[0-9a-f]{${length}}$`).test(value)) throw new Error(`span ${field} is not ${length} hex digits: ${JSON.stringify(value)}`);
          return value;
        };
        result.push({
          service,
          scope: scopeSpans.scope?.name ?? '',
          traceId: id('traceId', 32),
          spanId: id('spanId', 16),
          parentSpanId: id('parentSpanId', 16, true),
          name: String(span.name),
          kind: Number(span.kind),
          attributes: attributesOf(span.attributes as OtlpAttribute[] | undefined),
        });
      }
    }
  }
  return result;
}

function attributesOf(attributes: OtlpAttribute[] | undefined): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const { key, value } of attributes ?? []) {
    result[key] = value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : undefined) ?? value.boolValue ?? value.doubleValue;
  }
  return result;
}
