/**
 * `npm run demo` (issue 8): drives realistic orders through the command API, then checks every
 * order's views against its command results. With `--rate` it is the end-to-end benchmark.
 * `--help` prints the usage (args.ts).
 */
import { SingleBar } from 'cli-progress';
import { DemoArgs, parseArgs, usage } from './args';
import { checkOrder } from './checker';
import { runOpenLoop } from './e2e';
import { DemoClient } from './http';
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
