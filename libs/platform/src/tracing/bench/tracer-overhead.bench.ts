/**
 * What tracing costs a command on the command service's own code path (issue 15), in process:
 * the spans one `POST /orders` makes there (the request, `decide`, `append`) and the trace
 * context copied into the event's metadata, with tracing off (the no-op port) and on (the SDK,
 * batching to an OTLP/HTTP receiver in this process, so export and encoding are counted too).
 * A micro-benchmark: it says what the tracing calls cost per command, not the service's rate.
 *
 *   node -r @swc-node/register libs/platform/src/tracing/bench/tracer-overhead.bench.ts
 */
import { startOtlpReceiver } from '@ordersource/testing/otlp-receiver';
import { startTracing } from '../otel-tracer';
import { noTracer, traceMetadata, type Tracer } from '../tracer.port';

const COMMANDS = Number(process.env.TRACING_BENCH_COMMANDS ?? 20_000);

async function command(tracer: Tracer): Promise<number> {
  const request = tracer.startSpan('POST /orders', { kind: 'server' });
  const decided = await tracer.inSpan('decide PlaceOrder', { attributes: { 'ordersource.stream_id': 'order-x' } }, async () => 1);
  const metadata = { correlationId: 'c', causationId: 'r', actor: 'a', ...traceMetadata(tracer) };
  const appended = await tracer.inSpan('append PlaceOrder', { attributes: { 'ordersource.events': 1 } }, async () => Object.keys(metadata).length);
  request.end();
  return decided + appended;
}

async function bare(): Promise<number> {
  const decided = await (async () => 1)();
  const metadata = { correlationId: 'c', causationId: 'r', actor: 'a' };
  const appended = await (async () => Object.keys(metadata).length)();
  return decided + appended;
}

async function timePerCommand(run: () => Promise<number>): Promise<number> {
  for (let i = 0; i < 2000; i++) await run(); // warm-up
  const started = process.hrtime.bigint();
  for (let i = 0; i < COMMANDS; i++) await run();
  return Number(process.hrtime.bigint() - started) / 1000 / COMMANDS;
}

void (async () => {
  const receiver = await startOtlpReceiver();
  const tracing = await startTracing('bench', { tracesUrl: receiver.tracesUrl });
  const rows: [string, number][] = [];
  rows.push(['no tracing calls at all', await timePerCommand(bare)]);
  rows.push(['tracing off (no-op port)', await timePerCommand(() => command(noTracer))]);
  rows.push(['tracing on (SDK + OTLP/HTTP export)', await timePerCommand(() => command(tracing.tracer))]);
  await tracing.shutdown();
  await receiver.stop();
  console.log(`${COMMANDS} commands each, µs per command (3 spans + metadata context):`);
  for (const [what, micros] of rows) console.log(`  ${what.padEnd(38)} ${micros.toFixed(2)} µs`);
  console.log(`  spans received: ${receiver.spans.length}`);
})();
