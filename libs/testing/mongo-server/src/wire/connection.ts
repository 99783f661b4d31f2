import type { Socket } from 'node:net';
import type { Document } from 'bson';
import { encodeReply, parseRequest } from './messages';

// mongod's limit; a length beyond it means the stream is not MongoDB wire protocol.
const MAX_MESSAGE_BYTES = 48_000_000;

/**
 * Frames the byte stream of one client connection into messages and answers each in arrival
 * order: an asynchronous `execute` (the interleave mode) is chained, so a connection's replies
 * still go out in the order its requests came in.
 */
export function serveConnection(socket: Socket, execute: Execute): void {
  let pending: Buffer = Buffer.alloc(0);
  let queue: Promise<void> = Promise.resolve();
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const length = pending.readInt32LE(0);
      if (length < 16 || length > MAX_MESSAGE_BYTES) {
        socket.destroy(new Error(`invalid message length ${length}`));
        return;
      }
      if (pending.length < length) return;
      const message = pending.subarray(0, length);
      pending = pending.subarray(length);
      queue = queue.then(() => answer(socket, message, execute));
    }
  });
}

type Execute = (command: Document, db: string) => Document | Promise<Document>;

async function answer(socket: Socket, message: Buffer, execute: Execute): Promise<void> {
  let request;
  try {
    request = parseRequest(message);
  } catch (error) {
    // Without a parsed request there is no way to reply in kind; the driver sees a closed socket.
    socket.destroy(error instanceof Error ? error : new Error(String(error)));
    return;
  }
  const reply = await execute(request.body, request.db);
  if (!request.moreToCome && !socket.destroyed) socket.write(encodeReply(request, reply));
}
