/**
 * An open-loop load generator: requests start on a fixed schedule whatever the server does, and
 * each latency is measured from its SCHEDULED start, so a stalled server cannot hide its stall
 * by slowing the generator down (coordinated omission).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Agent } from 'undici';

export interface StepResult {
  rate: number;
  sent: number;
  ok: number;
  failed: number;
  p50: number;
  p99: number;
  /**
   * CPU this generator spent per request (undici, bodies, timers): it shares the machine with the
   * service, so a step's figure is only fair while this stays small beside the service's own cost.
   */
  clientCpuMs: number;
  /**
   * The longest this generator's own event loop was held up during the step (GC, other work in
   * its process): a response it could not read meanwhile counts as the server's latency, so a
   * step failed with this near the limit says nothing about the server.
   */
  clientStallMs: number;
}

/**
 * The client's connections (at most `connections`, opened as concurrency needs them, kept alive):
 * shared by the steps of a climb, as a gateway in front of the service keeps its connections, so
 * that no step pays for new TCP connections (through node:cluster's primary) its predecessor had.
 */
export function loadClient(connections = 64): Agent {
  return new Agent({ connections, pipelining: 1, keepAliveTimeout: 60_000 });
}

export async function runStep(rate: number, seconds: number, send: (dispatcher: Agent) => Promise<boolean>, dispatcher: Agent): Promise<StepResult> {
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  const cpuBefore = process.cpuUsage();
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(
      send(dispatcher).then(
        (success) => {
          latencies.push(performance.now() - due);
          if (success) ok++;
          else failed++;
        },
        () => {
          latencies.push(performance.now() - due);
          failed++;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  loopDelay.disable();
  const cpu = process.cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  return { rate, sent: total, ok, failed, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), clientCpuMs: (cpu.user + cpu.system) / 1000 / total, clientStallMs: loopDelay.max / 1e6 };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}
