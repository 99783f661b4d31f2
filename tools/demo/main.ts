/**
 * `npm run demo` (issue 8): drives realistic orders through the command API, then checks every
 * order's views against its command results. With `--rate` it is the end-to-end benchmark.
 * `--help` prints the usage (args.ts).
 */
import { SingleBar } from 'cli-progress';
import { DemoArgs, parseArgs, usage } from './args';
import { checkOrder } from './checker';
import { importHistory } from './history-import';
import { runOpenLoop } from './e2e';
import { answers, DemoClient } from './http';
import { inPool, OrderRun, runOrder } from './runner';
import { generateOrders } from './scenario';
import { connectOrStart, Stack } from './stack';
import { formatSummary, summarize } from './summary';

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    console.log(usage);
    return 0;
  }
  if (args.historyDays !== undefined && !(await answers(process.env.COMMAND_URL ?? 'http://localhost:3000'))) {
    // History goes into the stack the user will look at; a throw-away stack would lose it.
    console.error(`demo: --history needs a running stack (npm start); nothing answered at ${process.env.COMMAND_URL ?? 'http://localhost:3000'}`);
    return 1;
  }
  const stack = await connectOrStart();
  console.log(
    stack.mode === 'running'
      ? `demo: using the running stack at ${stack.commandUrl} (views ${stack.queryUrl})`
      : `demo: nothing answered at ${process.env.COMMAND_URL ?? 'http://localhost:3000'}; started an embedded stack for this run (command ${stack.commandUrl}, query ${stack.queryUrl}); it is stopped afterwards`,
  );
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) return;
    interrupted = true;
    console.log('\ndemo: interrupted; stopping');
    void stack.stop().then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    if (args.historyDays !== undefined) return await history(stack, args);
    return args.rate !== undefined ? await benchmark(stack, args) : await demo(stack, args);
  } finally {
    if (!interrupted) await stack.stop();
  }
}

async function demo(stack: Stack, args: DemoArgs): Promise<number> {
  const client = new DemoClient(stack.commandUrl, stack.queryUrl, stack.keys, Math.max(16, args.concurrency * 2));
  const plans = generateOrders({ seed: args.seed, runTag: `${Date.now()}`, customerId: stack.customerId }, args.orders);
  console.log(`demo: ${args.orders} orders, concurrency ${args.concurrency}, seed ${args.seed}${stack.customerId ? `, customer key for ${stack.customerId}'s orders` : ', staff keys only'}`);
  const bar = new SingleBar({ format: 'orders {bar} {value}/{total} | {cps} commands/s | {phase}', hideCursor: true, noTTYOutput: false });
  let commands = 0;
  const started = performance.now();
  bar.start(plans.length, 0, { cps: 0, phase: 'commands' });
  const runs: OrderRun[] = await inPool(plans, args.concurrency, async (plan) => {
    const run = await runOrder(client, plan, { onAnswer: () => commands++ });
    bar.increment(1, { cps: Math.round(commands / ((performance.now() - started) / 1000)) });
    return run;
  });
  const commandSeconds = (performance.now() - started) / 1000;
  bar.update(0, { phase: 'checking views' });
  const checkStarted = performance.now();
  const checks = await inPool(runs, args.concurrency, async (run) => {
    const check = await checkOrder(client, run);
    bar.increment();
    return check;
  });
  bar.stop();
  await client.close();
  const summary = summarize(args.seed, runs, checks, commandSeconds, (performance.now() - checkStarted) / 1000);
  console.log(formatSummary(summary));
  return summary.inconsistent.length === 0 ? 0 : 1;
}

async function history(stack: Stack, args: DemoArgs): Promise<number> {
  const result = await importHistory(stack, { seed: args.seed, days: args.historyDays ?? 56, ordersPerHour: args.historyRate }, (line) => console.log(line));
  console.log(
    `demo: ${result.imported} orders imported, ${result.alreadyImported} already there, ${result.rejected.length} rejected, in ${result.seconds.toFixed(1)} s ` +
      `(correlation ids ${result.correlationIds.join(', ')}: POST /admin/reverts takes one to undo its part)`,
  );
  for (const rejection of result.rejected.slice(0, 10)) console.log(`  line ${rejection.line}: ${rejection.type}: ${rejection.detail}`);
  console.log(`demo: the views catch up in the background; then try ${stack.queryUrl}/analytics/forecast?metric=placed&bucket=hour&horizon=24 and ${stack.queryUrl}/alerts`);
  return result.rejected.length === 0 ? 0 : 1;
}

async function benchmark(stack: Stack, args: DemoArgs): Promise<number> {
  const result = await runOpenLoop(stack, { rate: args.rate ?? 50, duration: args.duration ?? 30, concurrency: args.concurrency, seed: args.seed }, (line) => console.log(line));
  console.log(result.report);
  return result.inconsistent === 0 && result.failedCommands === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('demo:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
