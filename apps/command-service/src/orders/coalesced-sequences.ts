import { NamedSequences, NaturalKey } from '@ordersource/event-store';

interface Waiter {
  resolve(n: number): void;
  reject(error: unknown): void;
}

interface Counter {
  name: string;
  key: NaturalKey | undefined;
  waiting: Waiter[];
  drawing: boolean;
}

/**
 * The order-number draws of concurrent placements in one round trip (issue 18): each
 * `POST /orders` draws its number before its append, and one statement per draw was a third
 * of the command path's queries. A draw with none in flight for its counter goes at once (no
 * added latency when idle); draws arriving meanwhile wait for it and then go together as one
 * `nextMany`, handed out in arrival order, so within this process a later request still gets a
 * higher number. A failed draw fails exactly the requests that waited for it.
 */
export class CoalescedSequences implements NamedSequences {
  private readonly counters = new Map<string, Counter>();

  constructor(private readonly sequences: NamedSequences) {}

  next(name: string, key?: NaturalKey): Promise<number> {
    const id = JSON.stringify([name, key?.field ?? null, key?.prefix ?? null]);
    let counter = this.counters.get(id);
    if (!counter) {
      counter = { name, key, waiting: [], drawing: false };
      this.counters.set(id, counter);
    }
    const drawn = new Promise<number>((resolve, reject) => counter.waiting.push({ resolve, reject }));
    if (!counter.drawing) void this.draw(counter);
    return drawn;
  }

  nextMany(name: string, count: number, key?: NaturalKey): Promise<number[]> {
    return this.sequences.nextMany(name, count, key);
  }

  private async draw(counter: Counter): Promise<void> {
    counter.drawing = true;
    while (counter.waiting.length > 0) {
      // nextMany's own bound (event-store.port.ts); a longer queue goes in several draws.
      const batch = counter.waiting.splice(0, 10_000);
      try {
        const numbers = await this.sequences.nextMany(counter.name, batch.length, counter.key);
        batch.forEach((waiter, index) => waiter.resolve(numbers[index]));
      } catch (error) {
        for (const waiter of batch) waiter.reject(error);
      }
    }
    counter.drawing = false;
  }
}
