/**
 * The end-to-end benchmark (`npm run demo -- --rate R --duration S`): open loop. New orders
 * arrive at a fixed rate (R commands/s divided by the scenario's mean commands per order); each
 * order's commands then follow one after another. Command latency is measured from each
 * command's scheduled start (the order's arrival time for its first command, so waiting for a
 * free slot counts); projection lag from the answer until GET /orders/{id} with X-Min-Version
 * (X-Wait-Ms 10000) answers 200. Afterwards every order is checked like the demo does.
 */
import { percentile } from '../bench/open-loop';
import type { BenchRow } from '../bench/bench-table';
import { checkOrder } from './checker';
import { DemoClient } from './http';
import { inPool, OrderRun, runOrder } from './runner';
import { generateOrders, orderGenerator } from './scenario';
import type { Stack } from './stack';

export interface OpenLoopOptions {
  /** Commands per second offered. */
  rate: number;
  /** Seconds during which new orders arrive. */
  duration: number;
  /** Orders in flight at most. */
  concurrency: number;
  seed: number;
  /** Orders driven closed-loop before the timed run (JIT, connection pools); not measured. */
  warmupOrders?: number;
}

export interface OpenLoopResult {
  rows: BenchRow[];
  /** Failed commands, lag timeouts and consistency in one line. */
  outcome: string;
  report: string;
  orders: number;
  commands: number;
  failedCommands: number;
  inconsistent: number;
}

export async function runOpenLoop(stack: Stack, options: OpenLoopOptions, log: (line: string) => void = () => undefined): Promise<OpenLoopResult> {
  const scenario = { seed: options.seed, runTag: `bench-${Date.now()}`, customerId: stack.customerId };
  const sample = generateOrders(scenario, 2000);
  const perOrder = sample.reduce((sum, plan) => sum + plan.steps.length, 0) / sample.length;
  const ordersPerSecond = options.rate / perOrder;
  const total = Math.max(1, Math.round(ordersPerSecond * options.duration));
  const next = orderGenerator(scenario);
  const client = new DemoClient(stack.commandUrl, stack.queryUrl, stack.keys, Math.max(64, options.concurrency * 2));
  const warmup = options.warmupOrders ?? 40;
  if (warmup > 0) {
    log(`e2e: warming up with ${warmup} orders (not measured)`);
    const warmed = await inPool(generateOrders({ ...scenario, seed: options.seed + 1, runTag: `${scenario.runTag}-warmup` }, warmup), 8, (plan) => runOrder(client, plan));
    const failed = warmed.filter((run) => run.aborted);
    if (failed.length > 0) throw new Error(`warm-up: ${failed[0].aborted}`);
  }
  log(`e2e: ${options.rate} commands/s offered = ${ordersPerSecond.toFixed(1)} orders/s x ${perOrder.toFixed(2)} commands per order, ${options.duration} s, at most ${options.concurrency} orders in flight`);

  const latencies: number[] = [];
  const lags: number[] = [];
  let lagTimeouts = 0;
  let failedCommands = 0;
  let lastAnswer = 0;
  const lagProbes: Promise<void>[] = [];
  const hooks = {
    onAnswer(run: OrderRun, record: OrderRun['records'][number], scheduledAt: number) {
      const now = performance.now();
      lastAnswer = now;
      latencies.push(now - scheduledAt);
      if (record.httpStatus < 200 || record.httpStatus >= 300 || record.version === undefined) {
        failedCommands++;
        return;
      }
      const role = run.plan.steps[0].role === 'customer' ? 'customer' : 'operator';
      lagProbes.push(
        client.view(`/orders/${run.plan.orderId}`, role, record.version, 10_000).then(
          (answer) => {
            if (answer.status === 200) lags.push(performance.now() - now);
            else lagTimeouts++;
          },
          () => void lagTimeouts++,
        ),
      );
    },
  };

  let free = options.concurrency;
  const waiting: (() => void)[] = [];
  const slot = () => (free > 0 ? (free--, Promise.resolve()) : new Promise<void>((resolve) => waiting.push(resolve)));
  const release = () => {
    const wake = waiting.shift();
    if (wake) wake();
    else free++;
  };

  const started = performance.now();
  const progress = setInterval(() => log(`e2e: ${((performance.now() - started) / 1000).toFixed(0)} s, ${latencies.length} commands answered, ${waiting.length} orders waiting for a slot`), 5000);
  const runs: Promise<OrderRun>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / ordersPerSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const plan = next();
    runs.push(slot().then(() => runOrder(client, plan, hooks, due).finally(release)));
  }
  const done = await Promise.all(runs);
  clearInterval(progress);
  await Promise.all(lagProbes);
  const seconds = (lastAnswer - started) / 1000;
  const checks = await inPool(done, 16, (run) => checkOrder(client, run));
  await client.close();
  const inconsistent = checks.filter((check) => check.diffs.length > 0);
  latencies.sort((a, b) => a - b);
  lags.sort((a, b) => a - b);
  const commands = latencies.length;
  const rows: BenchRow[] = [
    { name: `commands/s achieved (offered ${options.rate}, ${options.duration} s, ${done.length} orders)`, unit: 'cmd/s', value: commands / seconds },
    { name: 'command latency p50 (from scheduled start)', unit: 'ms', value: percentile(latencies, 0.5) },
    { name: 'command latency p99 (from scheduled start)', unit: 'ms', value: percentile(latencies, 0.99) },
    { name: 'projection lag p50 (answer -> visible in GET /orders/{id})', unit: 'ms', value: percentile(lags, 0.5) },
    { name: 'projection lag p99', unit: 'ms', value: percentile(lags, 0.99) },
  ];
  const outcome = `failed commands: ${failedCommands}; lag probes not visible within 10 s: ${lagTimeouts}; orders consistent: ${done.length - inconsistent.length}/${done.length}`;
  const report = [
    '',
    '== ordersource end-to-end benchmark ==',
    ...rows.map((row) => `${row.name}: ${row.value.toFixed(1)} ${row.unit}`),
    outcome,
    ...inconsistent.slice(0, 3).flatMap((check) => [`  order ${check.orderId} (${check.kind}):`, ...check.diffs.slice(0, 5).map((diff) => `    - ${diff}`)]),
  ].join('\n');
  return { rows, outcome, report, orders: done.length, commands, failedCommands, inconsistent: inconsistent.length };
}
