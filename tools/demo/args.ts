/** `npm run demo -- [options]`: the command line. */
import { parseHistoryLength } from './history';
export interface DemoArgs {
  orders: number;
  /** Orders in flight at most (default 16; 64 in the benchmark, so arrivals are not held back). */
  concurrency: number;
  seed: number;
  /** Open-loop benchmark: commands per second; with `duration`. */
  rate?: number;
  duration?: number;
  /** `--history 8w`: days of seasonal history to import instead of driving live orders. */
  historyDays?: number;
  /** Mean orders per hour of the history (default 5). */
  historyRate?: number;
  help: boolean;
}

export const usage = `Usage: npm run demo -- [--orders N] [--concurrency N] [--seed N]
       npm run demo -- --rate <commands/s> --duration <s> [--concurrency N] [--seed N]
       npm run demo -- --history 8w [--history-rate <orders/hour>] [--seed N]

Drives realistic orders through the command API of the stack at COMMAND_URL (default
http://localhost:3000; views at QUERY_URL, default http://localhost:3001), then checks every
order's views against its command results. Keys: DEMO_ADMIN_KEY / DEMO_OPERATOR_KEY
(optionally DEMO_CUSTOMER_KEY with DEMO_CUSTOMER_ID), else <ORDERSOURCE_DATA_DIR or ./.data>/secrets.json.
When nothing answers at COMMAND_URL, an embedded stack is started for the run and stopped after.

  --orders N        orders to drive (default 200)
  --concurrency N   orders in flight at once (default 16; with --rate 64)
  --seed N          scenario seed: the same seed generates the same orders (default: random)
  --rate R          end-to-end benchmark: open loop at R commands/s (new orders arrive at a
                    fixed rate, each order's commands follow), reporting latency and projection lag
  --duration S      benchmark arrival period in seconds (default 30)
  --history L       import L (e.g. 8w, 10d) of seasonal order history ending now through
                    POST /admin/imports of the running stack (weekday and hour-of-day pattern,
                    countries, payment failures, late scans, refunds, and a few live problems
                    for the alerts); deterministic with --seed (re-running it within the same
                    hour imports nothing twice)
  --history-rate R  mean orders per hour of that history (default 5)
Exit code 1 when any order is inconsistent.`;

export function parseArgs(argv: readonly string[]): DemoArgs {
  const args: DemoArgs = { orders: 200, concurrency: 16, seed: Math.floor(Math.random() * 2 ** 31), help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      args.help = true;
      continue;
    }
    const [name, inline] = arg.split('=', 2);
    const value = inline ?? argv[++i];
    const number = Number(value);
    const positive = (min: number) => {
      if (value === undefined || !Number.isFinite(number) || number < min) throw new Error(`${name} takes a number >= ${min}, got ${value ?? 'nothing'}`);
      return number;
    };
    switch (name) {
      case '--orders':
        args.orders = Math.floor(positive(1));
        break;
      case '--concurrency':
        args.concurrency = Math.floor(positive(1));
        break;
      case '--seed':
        args.seed = Math.floor(positive(0));
        break;
      case '--rate':
        args.rate = positive(0.1);
        break;
      case '--duration':
        args.duration = positive(1);
        break;
      case '--history':
        if (value === undefined) throw new Error('--history takes a length like 8w');
        args.historyDays = parseHistoryLength(value);
        break;
      case '--history-rate':
        args.historyRate = positive(0.1);
        break;
      default:
        throw new Error(`unknown option ${arg}\n\n${usage}`);
    }
  }
  if (args.duration !== undefined && args.rate === undefined) throw new Error('--duration needs --rate');
  // One history per hour unless asked otherwise: a repeated `--history 8w` imports nothing twice.
  if (args.historyDays !== undefined && !argv.some((arg) => arg.startsWith('--seed'))) args.seed = 8;
  if (args.rate !== undefined && !argv.some((arg) => arg.startsWith('--concurrency'))) args.concurrency = 64;
  return args;
}
