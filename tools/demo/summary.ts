/** The demo's closing report. */
import type { OrderCheck } from './checker';
import type { OrderRun } from './runner';

export interface Summary {
  seed: number;
  orders: number;
  commands: number;
  byOutcome: Record<string, number>;
  byCommand: Record<string, number>;
  byScenario: Record<string, number>;
  consistent: number;
  inconsistent: OrderCheck[];
  commandSeconds: number;
  checkSeconds: number;
}

export function summarize(seed: number, runs: OrderRun[], checks: OrderCheck[], commandSeconds: number, checkSeconds: number): Summary {
  const count = (target: Record<string, number>, key: string) => (target[key] = (target[key] ?? 0) + 1);
  const byOutcome: Record<string, number> = {};
  const byCommand: Record<string, number> = {};
  const byScenario: Record<string, number> = {};
  let commands = 0;
  for (const run of runs) {
    count(byScenario, run.plan.kind);
    for (const record of run.records) {
      commands++;
      count(byCommand, record.command);
      count(byOutcome, record.httpStatus === 0 ? 'no response' : String(record.httpStatus));
    }
  }
  const inconsistent = checks.filter((check) => check.diffs.length > 0);
  return { seed, orders: runs.length, commands, byOutcome, byCommand, byScenario, consistent: checks.length - inconsistent.length, inconsistent, commandSeconds, checkSeconds };
}

export function formatSummary(summary: Summary): string {
  const list = (record: Record<string, number>) =>
    Object.entries(record)
      .sort((a, b) => b[1] - a[1])
      .map(([key, value]) => `${key} ${value}`)
      .join(', ');
  const lines = [
    '',
    '== ordersource demo summary ==',
    `seed:        ${summary.seed} (rerun with --seed ${summary.seed})`,
    `orders:      ${summary.orders} (${list(summary.byScenario)})`,
    `commands:    ${summary.commands} in ${summary.commandSeconds.toFixed(1)} s (${(summary.commands / Math.max(summary.commandSeconds, 0.001)).toFixed(0)} commands/s)`,
    `  by command: ${list(summary.byCommand)}`,
    `  by outcome: ${list(summary.byOutcome)}`,
    `consistent orders: ${summary.consistent}/${summary.orders}; inconsistent: ${summary.inconsistent.length}`,
    `checked in ${summary.checkSeconds.toFixed(1)} s; elapsed ${(summary.commandSeconds + summary.checkSeconds).toFixed(1)} s`,
  ];
  for (const check of summary.inconsistent.slice(0, 5)) {
    lines.push(`  order ${check.orderId} (${check.kind}):`, ...check.diffs.slice(0, 6).map((diff) => `    - ${diff}`));
  }
  if (summary.inconsistent.length > 5) lines.push(`  … and ${summary.inconsistent.length - 5} more inconsistent orders`);
  return lines.join('\n');
}
