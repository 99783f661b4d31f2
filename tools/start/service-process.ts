import { ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { prettyFactory } from 'pino-pretty';

export interface ServiceSpec {
  name: string;
  entry: string;
  port: number;
  prefix: string;
}

const pretty = prettyFactory({ colorize: process.stdout.isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service,name' });

/** One service as a child process; its JSON log lines are printed readable, with a prefix. */
export function startServiceProcess(root: string, spec: ServiceSpec, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', spec.entry], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      let text = line;
      if (line.startsWith('{')) {
        try {
          text = pretty(JSON.parse(line)).trimEnd();
        } catch {
          text = line;
        }
      }
      process.stdout.write(`${spec.prefix} ${text}\n`);
    });
  }
  return child;
}

/** Polls /health/ready; with a child, fails as soon as it exits (without, a supervisor restarts it). */
export async function waitUntilReady(url: string, child: ChildProcess | undefined, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (child && child.exitCode !== null) throw new Error(`${url}: the process exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/health/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} was not ready within ${deadlineMs} ms`);
}

export function stopProcess(child: ChildProcess, timeoutMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
