import type { Socket } from 'node:net';
import { newDecoder, newEncoder, type WireDecoder, type WireEncoder } from '../protocol/kafkajs-codec';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

export interface ConnectionContext {
  readonly id: number;
  readonly clientHost: string;
  readonly closed: boolean;
}

/** A response body (the header is added here), `NO_RESPONSE` (acks=0) or `CLOSE_CONNECTION`. */
export type HandlerResult = WireEncoder | typeof NO_RESPONSE | typeof CLOSE_CONNECTION;
export const NO_RESPONSE = Symbol('no response');
export const CLOSE_CONNECTION = Symbol('close connection');

export type RequestHandler = (
  header: RequestHeader,
  body: WireDecoder,
  connection: ConnectionContext,
) => Promise<HandlerResult>;

interface PendingResponse {
  correlationId: number;
  result?: HandlerResult;
}

let nextConnectionId = 1;

/**
 * One client socket: splits the byte stream into size-prefixed requests and writes responses
 * back in request order. Requests are handled concurrently (a Fetch may be parked for its
 * maxWaitTime while a Heartbeat pipelined behind it is already processed), but the Kafka
 * protocol promises in-order responses per connection, so a finished response waits for every
 * earlier one.
 */
export class Connection implements ConnectionContext {
  readonly id = nextConnectionId++;
  readonly clientHost: string;
  private buffered: Buffer = Buffer.alloc(0);
  private readonly pending: PendingResponse[] = [];
  private isClosed = false;

  constructor(
    private readonly socket: Socket,
    private readonly handle: RequestHandler,
    private readonly onError: (error: unknown, header?: RequestHeader) => void,
    private readonly onClose: (connection: Connection) => void,
  ) {
    this.clientHost = `/${socket.remoteAddress ?? 'unknown'}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.receive(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  get closed(): boolean {
    return this.isClosed;
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.socket.destroy();
    this.onClose(this);
  }

  private receive(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 4) {
      const size = this.buffered.readInt32BE(0);
      if (this.buffered.length < 4 + size) return;
      const frame = this.buffered.subarray(4, 4 + size);
      this.buffered = this.buffered.subarray(4 + size);
      this.dispatch(frame);
    }
  }

  private dispatch(frame: Buffer): void {
    const decoder = newDecoder(frame);
    const header: RequestHeader = {
      apiKey: decoder.readInt16(),
      apiVersion: decoder.readInt16(),
      correlationId: decoder.readInt32(),
      clientId: decoder.readString(),
    };
    const slot: PendingResponse = { correlationId: header.correlationId };
    this.pending.push(slot);
    this.handle(header, decoder, this).then(
      (result) => {
        slot.result = result;
        this.flush();
      },
      (error: unknown) => {
        this.onError(error, header);
        this.close();
      },
    );
  }

  private flush(): void {
    while (this.pending.length > 0 && this.pending[0].result !== undefined) {
      const { correlationId, result } = this.pending.shift() as Required<PendingResponse>;
      if (this.isClosed) return;
      if (result === CLOSE_CONNECTION) {
        this.close();
        return;
      }
      if (result === NO_RESPONSE) continue;
      const body = result.buffer;
      const frame = newEncoder().writeInt32(body.length + 4).writeInt32(correlationId).writeBuffer(body);
      this.socket.write(frame.buffer);
    }
  }
}
