/** Runs orders' command sequences through the command API and records every answer. */
import type { DemoClient } from './http';
import type { Step } from './model';
import type { OrderPlan } from './scenario';

export interface CommandRecord {
  command: Step['command'];
  path: string;
  httpStatus: number;
  version?: number;
  orderStatus?: string;
  /** What the scenario expects: answer status and cumulative version. */
  expectStatus: string;
  expectVersion: number;
  ms: number;
  problem?: string;
}

export interface OrderRun {
  plan: OrderPlan;
  records: CommandRecord[];
  /** Set when a command failed and the rest of the order was skipped. */
  aborted?: string;
}

export interface RunHooks {
  /** Called after each command answers; `scheduledAt` is when it was due (performance.now()). */
  onAnswer?(run: OrderRun, record: CommandRecord, scheduledAt: number): void;
}

export function bodyOf(step: Step, now = Date.now()): Record<string, unknown> {
  if (step.agoMinutes === undefined) return step.body;
  return { ...step.body, occurredAt: new Date(now - step.agoMinutes * 60_000).toISOString() };
}

export async function runOrder(client: DemoClient, plan: OrderPlan, hooks: RunHooks = {}, firstScheduledAt = performance.now()): Promise<OrderRun> {
  const run: OrderRun = { plan, records: [] };
  let version = 0;
  let scheduledAt = firstScheduledAt;
  for (const [index, step] of plan.steps.entries()) {
    version += step.events;
    const base = { command: step.command, path: step.path, expectStatus: step.expect, expectVersion: version };
    let record: CommandRecord;
    try {
      const answer = await client.command(step.path, bodyOf(step), step.role, `demo-${plan.orderId}-${index}`);
      record = { ...base, httpStatus: answer.status, version: answer.version, orderStatus: answer.orderStatus, ms: answer.ms };
      if (answer.status >= 300) record.problem = typeof answer.body === 'object' ? JSON.stringify(answer.body) : String(answer.body);
    } catch (error) {
      record = { ...base, httpStatus: 0, ms: 0, problem: error instanceof Error ? error.message : String(error) };
    }
    run.records.push(record);
    hooks.onAnswer?.(run, record, scheduledAt);
    scheduledAt = performance.now();
    if (record.httpStatus < 200 || record.httpStatus >= 300) {
      run.aborted = `${step.command} ${step.path} answered ${record.httpStatus || 'no response'}: ${(record.problem ?? '').slice(0, 300)}`;
      break;
    }
  }
  return run;
}

/** Runs `work` over `items` with at most `concurrency` at a time. */
export async function inPool<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}

/** The version the order's views must reach: the last answered version. */
export function lastVersion(run: OrderRun): number {
  for (let i = run.records.length - 1; i >= 0; i--) {
    const version = run.records[i].version;
    if (version !== undefined) return version;
  }
  return 0;
}
