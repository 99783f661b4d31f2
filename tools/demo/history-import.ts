import { SingleBar } from 'cli-progress';
import { generateHistory } from './history';
import type { Stack } from './stack';

/** Lines per request: each answers well inside the request timeout, and the bar moves. */
const CHUNK = 1000;

export interface HistoryImportResult {
  orders: number;
  imported: number;
  alreadyImported: number;
  rejected: { line: number; type: string; detail: string }[];
  correlationIds: string[];
  seconds: number;
}

/** Generates the history and sends it through POST /admin/imports, CHUNK lines a request. */
export async function importHistory(stack: Stack, options: { seed: number; days: number; ordersPerHour?: number; end?: Date }, log: (line: string) => void): Promise<HistoryImportResult> {
  if (!stack.keys.admin) throw new Error('--history needs the admin key (DEMO_ADMIN_KEY or the data directory of `npm start`)');
  const end = options.end ?? new Date();
  const history = { seed: options.seed, days: options.days, end, ordersPerHour: options.ordersPerHour };
  let total = 0;
  for (const _order of generateHistory(history)) total++;
  log(`demo: importing ${total} orders of history (${options.days} days up to ${end.toISOString()}, seed ${options.seed}) into ${stack.commandUrl}`);
  const bar = new SingleBar({ format: 'history {bar} {value}/{total} orders | {rate} orders/s', hideCursor: true, noTTYOutput: false });
  bar.start(total, 0, { rate: 0 });
  const started = performance.now();
  try {
    return await postInChunks(stack, (function* () {
      for (const order of generateHistory(history)) yield JSON.stringify(order);
    })(), total, (sent) => bar.update(sent, { rate: Math.round(sent / ((performance.now() - started) / 1000)) }));
  } finally {
    bar.stop();
  }
}

/**
 * Sends NDJSON lines through POST /admin/imports, `chunkSize` lines a request (one correlation
 * id each), and adds the answers up: a rejection's line number is its line in the whole input.
 */
export async function postInChunks(
  stack: Pick<Stack, 'commandUrl' | 'keys'>,
  lines: Iterable<string>,
  total: number,
  onProgress: (sent: number) => void = () => undefined,
  chunkSize = CHUNK,
): Promise<HistoryImportResult> {
  const result: HistoryImportResult = { orders: total, imported: 0, alreadyImported: 0, rejected: [], correlationIds: [], seconds: 0 };
  const started = performance.now();
  let chunk: string[] = [];
  let offset = 0;
  const send = async () => {
    const response = await fetch(`${stack.commandUrl}/admin/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.keys.admin}`, 'content-type': 'application/x-ndjson' },
      body: `${chunk.join('\n')}\n`,
    });
    const body = (await response.json()) as { correlationId: string; imported: number; alreadyImported: number; rejected: { line: number; type: string; detail: string }[] };
    if (response.status !== 200) throw new Error(`POST /admin/imports answered ${response.status}: ${JSON.stringify(body)}`);
    result.imported += body.imported;
    result.alreadyImported += body.alreadyImported;
    result.rejected.push(...body.rejected.map((rejection) => ({ ...rejection, line: rejection.line + offset })));
    result.correlationIds.push(body.correlationId);
    offset += chunk.length;
    onProgress(offset);
    chunk = [];
  };
  for (const line of lines) {
    chunk.push(line);
    if (chunk.length >= chunkSize) await send();
  }
  if (chunk.length > 0) await send();
  result.seconds = (performance.now() - started) / 1000;
  return result;
}
