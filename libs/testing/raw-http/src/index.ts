export { jsonRequest, type HttpAnswer, type RequestOptions } from './json-client';
import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The server closed the connection after answering. */
  closed: boolean;
}

/**
 * Sends bytes as they are (what fetch refuses to send: bad encoding, broken framing, huge
 * headers, a body that stalls) and reads the first answer on the socket; an answer with
 * `Connection: close` resolves once the server has closed the socket.
 */
export function rawRequest(url: string, bytes: string | Buffer, options: { endAfterWrite?: boolean } = {}): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    let answered: RawAnswer | undefined;
    const parse = (): RawAnswer | undefined => {
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return undefined;
      const [statusLine, ...lines] = received.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
      const length = Number(headers['content-length'] ?? 0);
      const body = received.slice(end + 4);
      if (Buffer.byteLength(body) < length) return undefined;
      return { status: Number(statusLine.split(' ')[1]), headers, body: body.slice(0, length), closed: false };
    };
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      answered ??= parse();
      // A kept-alive answer is complete once read; one that says close is awaited to the close.
      if (answered && answered.headers.connection !== 'close') {
        resolve(answered);
        socket.destroy();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => (answered ? resolve({ ...answered, closed: true }) : reject(new Error(`no answer before close: ${JSON.stringify(received.slice(0, 200))}`))));
    socket.write(bytes);
    if (options.endAfterWrite) socket.end();
  });
}
