/**
 * The workload pieces every store benchmark shares (store.bench.ts, peers.bench.ts and its
 * Emmett child): the same events, the same writer loops, the same clocks.
 */
import type { NewEvent } from '../../event-store.port';

export type PeerRequest = { kind: 'append'; batch: number; writers: number; appends: number } | { kind: 'read'; page: number };

export interface PeerResult {
  /** Events per second. */
  rate: number;
  /** Client CPU (user + system) per operation, in ms: per append, or per 1000 events read. */
  cpuMsPerOp: number;
}

/** Runs `appends` calls of `work` over `writers` loops: events per second and client CPU per call. */
export async function inLoops(writers: number, appends: number, work: (writer: number) => Promise<number>): Promise<PeerResult> {
  let remaining = appends;
  const result = await timedCpu(async () => {
    const counts = await Promise.all(
      Array.from({ length: writers }, async (_, writer) => {
        let events = 0;
        while (remaining > 0) {
          remaining--;
          events += await work(writer);
        }
        return events;
      }),
    );
    return counts.reduce((sum, n) => sum + n, 0);
  });
  return { rate: result.rate, cpuMsPerOp: (result.cpuMsPerOp * result.count) / appends };
}

/** Times `work` (which returns how many events it handled): events/s and CPU ms per event. */
export async function timedCpu(work: () => Promise<number>): Promise<PeerResult & { count: number }> {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const count = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  return { rate: count / seconds, cpuMsPerOp: (used.user + used.system) / 1000 / Math.max(count, 1), count };
}

export function newEvents(count: number): NewEvent[] {
  const occurredAt = new Date().toISOString();
  return Array.from({ length: count }, (_, index) => ({
    type: 'ItemAdded',
    schemaVersion: 1,
    data: { orderId: 'order-0b7c6a64-5f0e-4a53-9d3a-1e6f2b9f4c11', sku: `sku-${index}`, quantity: 2, unitPrice: { amount: 1299, currency: 'EUR' } },
    metadata: { correlationId: '5d0c7a0e-3f4b-4c2d-9a51-0f3e7c2b1a90', causationId: '5d0c7a0e-3f4b-4c2d-9a51-0f3e7c2b1a90', actor: 'user-42' },
    occurredAt,
  }));
}

export function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
