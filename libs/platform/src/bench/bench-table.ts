/**
 * One section of BENCHMARKS.md (`npm run bench`): figures beside the raw-`pg` floor measured in
 * the same run, for every benchmark in every library to share one shape.
 */
export interface BenchRow {
  name: string;
  unit: string;
  value: number;
  /** What the raw client (pg, or the read store's own driver) achieves doing the cheapest equivalent work, when the row has one. */
  floor?: number;
  ratio?: number;
}

export interface BenchTable {
  section: string;
  /** Which server or profile the figures are from. */
  target?: string;
  rows: BenchRow[];
  notes?: string[];
}
