import { PartitionLog } from './partition-log';

export interface Topic {
  name: string;
  partitions: PartitionLog[];
  configs: Record<string, string | null>;
}

/**
 * All topics of the broker, plus the wake-up signal that parked Fetch requests wait on: any
 * append wakes every waiting fetch, which then re-checks its own partitions.
 */
export class TopicStore {
  private readonly topics = new Map<string, Topic>();
  private readonly appendWaiters = new Set<() => void>();
  private nextProducerId = 1000n;
  private stopped = false;

  create(name: string, numPartitions: number, configs: Record<string, string | null>): void {
    const partitions = Array.from({ length: numPartitions }, () => new PartitionLog());
    this.topics.set(name, { name, partitions, configs });
  }

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.topics.get(topic)?.partitions[partition];
  }

  all(): Topic[] {
    return [...this.topics.values()];
  }

  allocateProducerId(): bigint {
    return this.nextProducerId++;
  }

  notifyAppend(): void {
    const waiters = [...this.appendWaiters];
    this.appendWaiters.clear();
    waiters.forEach((wake) => wake());
  }

  /** Resolves on the next append anywhere, or after `timeoutMs`, or when the broker stops. */
  waitForAppend(timeoutMs: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.appendWaiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      this.appendWaiters.add(wake);
    });
  }

  /** Releases every parked fetch, so stopping the broker leaves no timers behind. */
  releaseWaiters(): void {
    this.stopped = true;
    this.notifyAppend();
  }
}
