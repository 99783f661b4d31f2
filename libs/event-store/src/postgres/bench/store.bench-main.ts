/** Runs the `store` benchmark on DATABASE_URL (a superuser URL) and prints a markdown table. */
import { benchStore, type BenchTable } from './store.bench';

export function toMarkdown(table: BenchTable): string {
  const lines = [`### ${table.section}`, '', '| measure | store | raw pg | unit | ratio |', '| --- | ---: | ---: | --- | ---: |'];
  for (const row of table.rows) lines.push(`| ${row.name} | ${row.value} | ${row.floor} | ${row.unit} | ${row.ratio.toFixed(2)} |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  console.log(toMarkdown(await benchStore(url)));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
