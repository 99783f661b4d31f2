/**
 * Seeded synthetic demand for tests and benchmarks: a level, a daily and a weekly pattern and
 * Gaussian noise, so a forecast's accuracy and interval coverage can be measured against truth.
 */
export interface SyntheticSeries {
  values: number[];
  /** The noise-free signal at each point. */
  signal: number[];
}

/** mulberry32: a small, well-mixed 32-bit generator; deterministic per seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviates by Box-Muller. */
export function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Hourly series starting on a Monday 00:00: busier weekdays, quiet nights, noise sd `noise`. */
export function hourlyDemand(hours: number, seed: number, noise = 6): SyntheticSeries {
  const normal = gaussian(seededRandom(seed));
  const weekday = [1.1, 1.05, 1, 1, 1.15, 0.7, 0.6];
  const signal = Array.from({ length: hours }, (_, t) => {
    const hourOfDay = t % 24;
    const dayOfWeek = Math.floor(t / 24) % 7;
    return 60 * weekday[dayOfWeek] + 25 * Math.sin((2 * Math.PI * (hourOfDay - 8)) / 24);
  });
  return { signal, values: signal.map((value) => value + noise * normal()) };
}

/** Daily series: weekly pattern plus noise. */
export function dailyDemand(days: number, seed: number, noise = 40): SyntheticSeries {
  const normal = gaussian(seededRandom(seed));
  const weekday = [1.1, 1.05, 1, 1, 1.15, 0.7, 0.6];
  const signal = Array.from({ length: days }, (_, t) => 1000 * weekday[t % 7]);
  return { signal, values: signal.map((value) => value + noise * normal()) };
}
