import { spawn } from 'node:child_process';
import { ProcessSpec, Supervisor } from './supervisor';

/** The `npm start` supervisor over real child processes (issue 17: nothing restarted anything). */
async function eventually(probe: () => boolean, what: string, deadlineMs = 15_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!probe()) {
    if (Date.now() > until) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function running(supervisor: Supervisor | undefined, name: string) {
  const child = supervisor?.current(name);
  if (!child) throw new Error(`${name} is not running`);
  return child;
}

function sleeper(name: string, exitCode?: number): ProcessSpec {
  const script = exitCode === undefined ? 'setInterval(() => undefined, 1000)' : `process.exit(${exitCode})`;
  return { name, spawn: () => spawn(process.execPath, ['-e', script], { stdio: 'ignore' }) };
}

describe('the npm start supervisor', () => {
  let supervisor: Supervisor | undefined;
  afterEach(async () => {
    await supervisor?.stop();
  });

  it('restarts a process that died, with a log line, and leaves the others running', async () => {
    const lines: string[] = [];
    supervisor = new Supervisor([sleeper('database'), sleeper('command'), sleeper('query')], { log: (line) => lines.push(line), initialBackoffMs: 50 });
    await supervisor.start();
    const first = running(supervisor, 'command');
    const query = running(supervisor, 'query');

    first.kill('SIGKILL');
    await eventually(() => supervisor?.current('command') !== undefined && supervisor?.current('command') !== first, 'command runs again');

    expect(lines).toEqual(['ordersource: command exited (SIGKILL); restarting it in 50 ms (restart 1)']);
    expect(supervisor.current('query')).toBe(query);
    expect(supervisor.current('database')).toBeDefined();
  });

  it('backs off, doubling the delay, while a process keeps dying, up to the maximum', async () => {
    const lines: string[] = [];
    supervisor = new Supervisor([sleeper('projector', 1)], { log: (line) => lines.push(line), initialBackoffMs: 20, maxBackoffMs: 80 });
    await supervisor.start();

    await eventually(() => (supervisor as Supervisor).restartsOf('projector') >= 5, 'five restarts');

    const delays = lines.slice(0, 5).map((line) => Number(/in (\d+) ms/.exec(line)?.[1]));
    expect(delays).toEqual([20, 40, 80, 80, 80]);
    expect(lines[0]).toBe('ordersource: projector exited (code 1); restarting it in 20 ms (restart 1)');
  });

  it('does not restart a process that refused its configuration, and reports it', async () => {
    const fatal: string[] = [];
    const lines: string[] = [];
    supervisor = new Supervisor([sleeper('command', 78)], { log: (line) => lines.push(line), onFatal: (name) => fatal.push(name), initialBackoffMs: 10 });
    await supervisor.start();

    await eventually(() => fatal.length > 0, 'the refusal is reported');

    expect(fatal).toEqual(['command']);
    expect(supervisor.restartsOf('command')).toBe(0);
    expect(lines).toEqual(['ordersource: command refused its configuration (code 78); not restarting it']);
  });

  it('stops every process on stop() and restarts none of them', async () => {
    const lines: string[] = [];
    supervisor = new Supervisor([sleeper('database'), sleeper('command')], { log: (line) => lines.push(line), initialBackoffMs: 10 });
    await supervisor.start();
    const children = [running(supervisor, 'database'), running(supervisor, 'command')];

    await supervisor.stop();

    expect(children.map((child) => child.signalCode)).toEqual(['SIGTERM', 'SIGTERM']);
    expect(supervisor.current('command')).toBeUndefined();
    expect(lines).toEqual([]);
  });
});
