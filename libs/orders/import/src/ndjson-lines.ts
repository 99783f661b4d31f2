import { StringDecoder } from 'node:string_decoder';

export interface NdjsonLine {
  /** 1-based, counting every line of the input, blank ones too. */
  number: number;
  /** null: the line is longer than MAX_LINE_BYTES (its text is not kept). */
  text: string | null;
  /** Bytes of the input consumed up to the end of this line. */
  bytesRead: number;
}

/** The input is larger than the import takes. */
export class ImportTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`the import is larger than ${limitBytes} bytes`);
    this.name = 'ImportTooLargeError';
  }
}

/** One line is longer than any valid order line can be (the JSON body limit of a command). */
export const MAX_LINE_BYTES = 1024 * 1024;

/**
 * Splits a byte stream into lines as it arrives, holding one partial line at most: memory stays
 * bounded by the longest line, whatever the input's size. Blank lines are skipped (but counted);
 * a line over MAX_LINE_BYTES is yielded as `null` text so the caller can reject it by number.
 */
export async function* ndjsonLines(input: AsyncIterable<Buffer | string>, limitBytes = Number.POSITIVE_INFINITY): AsyncGenerator<NdjsonLine> {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  let overlong = false;
  let number = 0;
  let bytesRead = 0;
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytesRead += bytes.length;
    if (bytesRead > limitBytes) throw new ImportTooLargeError(limitBytes);
    const pieces = (partial + decoder.write(bytes)).split('\n');
    partial = pieces.pop() as string;
    for (const piece of pieces) {
      number++;
      const text = overlong ? null : piece.replace(/\r$/, '');
      overlong = false;
      if (text === null || text.trim() !== '') yield { number, text, bytesRead };
    }
    if (Buffer.byteLength(partial) > MAX_LINE_BYTES) {
      overlong = true;
      partial = '';
    }
  }
  partial += decoder.end();
  if (overlong || partial.trim() !== '') yield { number: number + 1, text: overlong ? null : partial.replace(/\r$/, ''), bytesRead };
}
