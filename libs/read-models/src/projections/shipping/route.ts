/**
 * The shipment's route: checkpoints in `at` order whatever order they were recorded in
 * (warehouse scans come late), and each `arrived` entry's dwell time, recomputed from the whole
 * route on every change because a late `departed` scan changes an earlier arrival's dwell.
 */
export interface RouteEntry {
  location: string;
  kind: string;
  at: string;
  dwellSeconds: number | null;
}

export type Checkpoint = Omit<RouteEntry, 'dwellSeconds'>;

/** Inserts after every entry with the same or an earlier `at`: equal times keep recording order. */
export function withCheckpoint(route: readonly RouteEntry[], checkpoint: Checkpoint): RouteEntry[] {
  let index = route.length;
  while (index > 0 && route[index - 1].at > checkpoint.at) index -= 1;
  const entries = [...route.slice(0, index), { ...checkpoint, dwellSeconds: null }, ...route.slice(index)];
  return withDwellTimes(entries);
}

/** dwellSeconds of an `arrived` entry: seconds until the next `departed` from its location. */
export function withDwellTimes(route: readonly RouteEntry[]): RouteEntry[] {
  return route.map((entry, index) => {
    if (entry.kind !== 'arrived') return { ...entry, dwellSeconds: null };
    const departure = route.slice(index + 1).find((later) => later.kind === 'departed' && later.location === entry.location);
    const dwellSeconds = departure ? (Date.parse(departure.at) - Date.parse(entry.at)) / 1000 : null;
    return { ...entry, dwellSeconds };
  });
}
