import type { DataKey } from './envelope';

export interface SealingKeyCacheOptions {
  /** Customers whose unwrapped key is kept; the least recently used goes first. Default 10,000. */
  maxEntries?: number;
  /** How long a key is reused before it is looked up again. Default 60 s. */
  ttlMs?: number;
}

interface Entry {
  key: DataKey;
  expiresAt: number;
}

/**
 * Unwrapped data keys for SEALING only (the command path's per-placement lookup, issue 18),
 * bounded in entries and age. Opening never reads it: a forgotten customer's data must read
 * "[erased]" in every process the moment the key row is gone.
 *
 * A lookup that raced an erasure must not be stored: `epoch()` is taken before the database
 * read and `set` refuses when any invalidation happened since.
 */
export class SealingKeyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private invalidations = 0;

  constructor(
    options: SealingKeyCacheOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.ttlMs = options.ttlMs ?? 60_000;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer (got ${this.maxEntries})`);
    if (!(this.ttlMs > 0)) throw new RangeError(`ttlMs must be positive (got ${this.ttlMs})`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(customerId: string): DataKey | undefined {
    const entry = this.entries.get(customerId);
    if (!entry) return undefined;
    this.entries.delete(customerId);
    if (entry.expiresAt <= this.now()) return undefined;
    // Re-inserted: a Map iterates in insertion order, so the first entry is the least recent.
    this.entries.set(customerId, entry);
    return entry.key;
  }

  epoch(): number {
    return this.invalidations;
  }

  /** Keeps the key unless an invalidation happened since `epoch` was taken. */
  set(customerId: string, key: DataKey, epoch: number): void {
    if (epoch !== this.invalidations) return;
    this.entries.delete(customerId);
    this.entries.set(customerId, { key, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** The customer was forgotten (here or in another process). */
  invalidate(customerId: string): void {
    this.invalidations += 1;
    this.entries.delete(customerId);
  }

  /** Erasures may have been missed (the listener's connection dropped): forget every key. */
  clear(): void {
    this.invalidations += 1;
    this.entries.clear();
  }
}
