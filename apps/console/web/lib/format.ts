/** Display helpers shared by the pages (pure). */

/** Minor units in the order's currency: 1999 EUR -> "€19.99"; JPY has no minor digits. */
export function formatMoney(minor: number | null | undefined, currency: string | undefined): string {
  if (minor === null || minor === undefined) return '–';
  if (!currency) return String(minor);
  try {
    const format = new Intl.NumberFormat('en', { style: 'currency', currency });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(minor / 10 ** digits);
  } catch {
    return `${minor} ${currency}`;
  }
}

/** A money map (`{"EUR": 123, "USD": 45}`): never summed across currencies. */
export function formatMoneyMap(map: Record<string, number> | null | undefined): string {
  const entries = Object.entries(map ?? {});
  if (entries.length === 0) return '–';
  return entries.map(([currency, minor]) => formatMoney(minor, currency)).join(', ');
}

/** ISO timestamps are shown in UTC, as stored, so support and logs agree. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '–';
  if (seconds < 120) return `${Math.round(seconds * 10) / 10} s`;
  if (seconds < 7200) return `${Math.round(seconds / 6) / 10} min`;
  if (seconds < 172800) return `${Math.round(seconds / 360) / 10} h`;
  return `${Math.round(seconds / 8640) / 10} d`;
}

export function formatValue(value: unknown): string {
  if (value === undefined) return '–';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** `<input type="datetime-local">` value (read as UTC) <-> ISO 8601. */
export function localInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(`${value.length === 16 ? `${value}:00` : value}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function isoToLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 16);
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** How many minor digits a currency has (EUR 2, JPY 0), for charts in major units. */
export function minorDigits(currency: string | undefined): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency: currency || 'XXX' }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}
