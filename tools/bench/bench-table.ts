import type { BenchTable } from '@ordersource/platform';

export type { BenchRow, BenchTable } from '@ordersource/platform';

export function markdownTable(table: BenchTable): string {
  const lines = [
    // "floor": raw pg for the store rows, each read store's own raw write for the projection rows (the row names say which).
    `| measurement | value | floor | ratio |`,
    `|---|---:|---:|---:|`,
    ...table.rows.map(
      (row) =>
        `| ${row.name} | ${format(row.value)} ${row.unit} | ${row.floor === undefined ? '-' : `${format(row.floor)} ${row.unit}`} | ${row.ratio === undefined ? '-' : row.ratio.toFixed(2)} |`,
    ),
  ];
  return [...lines, ...(table.notes ?? []).map((note) => `\n${note}`)].join('\n');
}

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(value >= 10 ? 1 : 2);
}
