import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { OtlpReceiver, SpanKinds, startOtlpReceiver } from '@ordersource/testing/otlp-receiver';
import { createLogger } from '../logging/logger';
import { startTracing } from './otel-tracer';

const WORKSPACE = join(__dirname, '../../../..');
const PROBE = join(__dirname, 'testing/tracing-probe.child.ts');

/**
 * Runs the probe in a fresh process (jest's module registry is not require.cache) with only these
 * OTEL_* variables; answers whether tracing is on and the OpenTelemetry packages it loaded.
 */
async function probe(otel: Record<string, string>): Promise<{ enabled: boolean; loaded: string[] }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')));
  const child = spawn(process.execPath, ['-r', '@swc-node/register', PROBE], { cwd: WORKSPACE, env: { ...env, ...otel }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`probe exited ${code}: ${err}`);
  return JSON.parse(out.trim().split('\n').pop() as string);
}

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver?.stop());

describe('tracing on and off', () => {
  it('with OTEL_* unset, loads no SDK and no exporter', async () => {
    expect(await probe({})).toEqual({ enabled: false, loaded: [] });
    // Tried too: an endpoint with the SDK disabled.
    expect(await probe({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_SDK_DISABLED: 'true' })).toEqual({ enabled: false, loaded: [] });
  }, 120_000);

  it('with an OTLP endpoint, loads the SDK and the OTLP/HTTP exporter (so the check above can fail)', async () => {
    const { enabled, loaded } = await probe({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.tracesUrl });
    expect(enabled).toBe(true);
    expect(loaded).toEqual(expect.arrayContaining(['@opentelemetry/sdk-trace-base', '@opentelemetry/exporter-trace-otlp-http']));
  }, 120_000);

  it('puts the active span trace id and span id on log lines, and nothing outside a span', async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const logger = createLogger('log-probe', 'info', destination);
    const tracing = await startTracing('log-probe', { tracesUrl: receiver.tracesUrl });
    try {
      logger.info('before');
      const ids = await tracing.tracer.inSpan('work', {}, async (span) => {
        await Promise.resolve();
        logger.info('inside');
        const [traceId, spanId] = (span.context()?.traceparent ?? '').split('-').slice(1, 3);
        return { traceId, spanId };
      });
      logger.info('after');
      expect(lines.map(({ msg, traceId, spanId }) => ({ msg, traceId, spanId }))).toEqual([
        { msg: 'before', traceId: undefined, spanId: undefined },
        { msg: 'inside', ...ids },
        { msg: 'after', traceId: undefined, spanId: undefined },
      ]);
      expect(ids.traceId).toMatch(/^[0-9a-f]{32}$/);
    } finally {
      await tracing.shutdown();
    }
  }, 60_000);
});

describe('library instrumentations in a service process', () => {
  it('makes pg client spans children of our spans, and none for a query outside any span', async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')));
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'testing/pg-spans.child.ts')], {
      cwd: WORKSPACE,
      env: { ...env, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.tracesUrl, DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect({ code, err }).toEqual({ code: 0, err: '' });
    // The child flushed at shutdown: what it exported has arrived.
    expect(receiver.refused).toEqual([]);
    const work = receiver.spans.find((span) => span.name === 'probe work');
    expect(work?.service).toBe('pg-probe');
    const pgSpans = receiver.spans.filter((span) => span.scope === '@opentelemetry/instrumentation-pg' && span.kind === SpanKinds.client);
    // Tried: two queries; only the one inside our span is traced.
    expect(pgSpans.map((span) => ({ trace: span.traceId, parent: span.parentSpanId, statement: String(span.attributes['db.query.text'] ?? span.attributes['db.statement']) }))).toEqual([
      { trace: work?.traceId, parent: work?.spanId, statement: "SELECT 'inside' AS where_from" },
    ]);
  }, 120_000);
});
