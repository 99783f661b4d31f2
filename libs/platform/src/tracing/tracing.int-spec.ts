import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Writable } from 'node:stream';
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

describe('tracing on and off', () => {
  it('with OTEL_* unset, loads no SDK and no exporter', async () => {
    expect(await probe({})).toEqual({ enabled: false, loaded: [] });
    // Tried too: an endpoint with the SDK disabled.
    expect(await probe({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_SDK_DISABLED: 'true' })).toEqual({ enabled: false, loaded: [] });
  }, 120_000);

  it('with an OTLP endpoint, loads the SDK and the OTLP/HTTP exporter (so the check above can fail)', async () => {
    const { enabled, loaded } = await probe({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
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
    // Nothing listens on port 9: whatever is exported at shutdown is refused and dropped.
    const tracing = await startTracing('log-probe', { tracesUrl: 'http://127.0.0.1:9/v1/traces' });
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
