/**
 * `npm run import -- <file.ndjson>` (issue 12): imports historical orders through the decider,
 * streaming, with a progress bar; see import-cli.ts for the options.
 */
import { localEnvironment } from '../start/local-environment';
import { runImportCli } from './import-cli';

runImportCli(process.argv.slice(2), localEnvironment(), { log: (line) => console.log(line), error: (line) => console.error(line), tty: process.stdout.isTTY === true }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('import:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
