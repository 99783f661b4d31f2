import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const WORKSPACE = join(__dirname, '../../../..');

export interface Child {
  process: ChildProcess;
  /** Lines the child printed so far. */
  lines: string[];
  exited: Promise<void>;
}

/** Runs a TypeScript entry point the way the services do (`node -r @swc-node/register`). */
export function startTsChild(script: string, env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', script], { cwd: WORKSPACE, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let rest = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = rest + chunk.toString();
    const parts = text.split('\n');
    rest = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr?.on('data', (chunk: Buffer) => lines.push(`stderr: ${chunk.toString().trim()}`));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { process: child, lines, exited };
}

export async function killHard(child: Child): Promise<void> {
  child.process.kill('SIGKILL');
  await child.exited;
}
