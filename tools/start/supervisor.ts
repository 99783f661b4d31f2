import { ChildProcess } from 'node:child_process';
import { stopProcess } from './service-process';

/**
 * What `npm start` keeps running (issue 17): a list of processes, each started in order and
 * waited for once; from then on a process that dies is started again after a back-off that
 * doubles with each quick death (reset once a run has lasted `stableAfterMs`), with a log line
 * each time. Nothing stops the others but `stop()` (Ctrl-C), except a process that refuses its
 * configuration (exit code 78, see run-service.ts), which a restart cannot fix.
 */
export interface ProcessSpec {
  name: string;
  /** Starts one run of the process. */
  spawn(): ChildProcess;
  /** Resolves once this run can serve; awaited on the first start only. */
  ready?(child: ChildProcess): Promise<void>;
}

export interface SupervisorOptions {
  log(line: string): void;
  /** Called once when a process refuses to start (exit code 78). */
  onFatal?(name: string, code: number): void;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  stableAfterMs?: number;
  stopTimeoutMs?: number;
}

export const CONFIG_ERROR_EXIT_CODE = 78;

interface Supervised {
  spec: ProcessSpec;
  child?: ChildProcess;
  startedAt: number;
  backoffMs: number;
  restarts: number;
  timer?: NodeJS.Timeout;
}

export class Supervisor {
  private readonly supervised: Supervised[];
  private stopping = false;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly stableAfterMs: number;

  constructor(
    specs: ProcessSpec[],
    private readonly options: SupervisorOptions,
  ) {
    this.initialBackoffMs = options.initialBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 15_000;
    this.stableAfterMs = options.stableAfterMs ?? 30_000;
    this.supervised = specs.map((spec) => ({ spec, startedAt: 0, backoffMs: this.initialBackoffMs, restarts: 0 }));
  }

  /** Starts every process in order, each once the one before is ready. */
  async start(): Promise<void> {
    for (const entry of this.supervised) {
      if (this.stopping) return;
      const child = this.run(entry);
      await entry.spec.ready?.(child);
    }
  }

  /** The current run of a process, if it is running. */
  current(name: string): ChildProcess | undefined {
    const child = this.supervised.find((entry) => entry.spec.name === name)?.child;
    return child && child.exitCode === null && child.signalCode === null ? child : undefined;
  }

  restartsOf(name: string): number {
    return this.supervised.find((entry) => entry.spec.name === name)?.restarts ?? 0;
  }

  /** Stops every process in reverse order (services before the database they use). */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const entry of [...this.supervised].reverse()) {
      clearTimeout(entry.timer);
      if (entry.child) await stopProcess(entry.child, this.options.stopTimeoutMs ?? 15_000);
    }
  }

  private run(entry: Supervised): ChildProcess {
    const child = entry.spec.spawn();
    entry.child = child;
    entry.startedAt = Date.now();
    child.once('exit', (code, signal) => this.exited(entry, code, signal));
    return child;
  }

  private exited(entry: Supervised, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.stopping) return;
    const how = signal ?? `code ${code}`;
    if (code === CONFIG_ERROR_EXIT_CODE) {
      this.options.log(`ordersource: ${entry.spec.name} refused its configuration (${how}); not restarting it`);
      this.options.onFatal?.(entry.spec.name, code);
      return;
    }
    if (Date.now() - entry.startedAt >= this.stableAfterMs) entry.backoffMs = this.initialBackoffMs;
    const delay = entry.backoffMs;
    entry.backoffMs = Math.min(entry.backoffMs * 2, this.maxBackoffMs);
    entry.restarts++;
    this.options.log(`ordersource: ${entry.spec.name} exited (${how}); restarting it in ${delay} ms (restart ${entry.restarts})`);
    entry.timer = setTimeout(() => {
      if (!this.stopping) this.run(entry);
    }, delay);
  }
}
