/** One section of BENCHMARKS.md: figures beside the raw-`pg` floor measured in the same run. */
export interface BenchRow {
  name: string;
  unit: string;
  value: number;
  /** What raw pg achieves doing the cheapest equivalent work, when the row has one. */
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

export function markdownTable(table: BenchTable): string {
  const lines = [
    `| measurement | value | raw-pg floor | ratio |`,
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
