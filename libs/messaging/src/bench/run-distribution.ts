// Runs the distribution bench alone: `node -r @swc-node/register libs/messaging/src/bench/run-distribution.ts <serverUrl>`.
import { benchDistribution } from './distribution.bench';

benchDistribution(process.argv[2] ?? process.env.DATABASE_URL ?? '').then(
  (result) => console.log(JSON.stringify(result, null, 2)),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
