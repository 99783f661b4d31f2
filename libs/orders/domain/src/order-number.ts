/**
 * Order numbers (issue 15): `OS-<year>-<n>`, n zero-padded to 6 digits (more digits past
 * 999999), unique and increasing within a year, gaps allowed. The year is the placement's (the
 * import's `placedAt`, the request time otherwise) in UTC. The counter itself is a PostgreSQL
 * sequence per year (libs/event-store postgres/yearly-sequences.ts): decide only stamps the
 * number it is given, so it stays pure.
 */
export const ORDER_NUMBER_PATTERN = '^OS-[0-9]{4}-[0-9]{6,15}$';

export function formatOrderNumber(year: number, n: number): string {
  return `OS-${year}-${String(n).padStart(6, '0')}`;
}

/** The UTC year an order placed at `instant` (ISO 8601) is numbered in. */
export function orderNumberYear(instant: string): number {
  return new Date(instant).getUTCFullYear();
}

export function isOrderNumber(value: string): boolean {
  return new RegExp(ORDER_NUMBER_PATTERN).test(value);
}

/** The name of a year's counter in the event store's named sequences. */
export function orderNumberSequence(year: number): string {
  return `order_number_${year}`;
}

/**
 * Draws the next number of the placement's year from a counter (see the module comment); the
 * counter knows where the numbers live in the events, so a restored store continues after them.
 */
export async function nextOrderNumber(sequences: { next(name: string, key: { field: string; prefix: string }): Promise<number> }, placedAt: string): Promise<string> {
  const year = orderNumberYear(placedAt);
  return formatOrderNumber(year, await sequences.next(orderNumberSequence(year), orderNumberKey(year)));
}

/**
 * The numbers of many placements (the import's batch), in their order: one draw of the counter
 * per year, however many placements fall in it; within a year, in the placements' order.
 */
export async function nextOrderNumbers(sequences: { nextMany(name: string, count: number, key: { field: string; prefix: string }): Promise<number[]> }, placedAts: readonly string[]): Promise<string[]> {
  const byYear = new Map<number, number[]>();
  placedAts.forEach((placedAt, index) => {
    const year = orderNumberYear(placedAt);
    const indexes = byYear.get(year) ?? [];
    indexes.push(index);
    byYear.set(year, indexes);
  });
  const numbers: string[] = new Array<string>(placedAts.length);
  await Promise.all(
    [...byYear].map(async ([year, indexes]) => {
      const drawn = await sequences.nextMany(orderNumberSequence(year), indexes.length, orderNumberKey(year));
      indexes.forEach((index, position) => (numbers[index] = formatOrderNumber(year, drawn[position])));
    }),
  );
  return numbers;
}

/** Where a year's numbers live in the events: a restored store's counter continues after them. */
function orderNumberKey(year: number): { field: string; prefix: string } {
  return { field: 'orderNumber', prefix: `OS-${year}-` };
}
