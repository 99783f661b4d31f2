import { createServer, type Socket } from 'node:net';
import { runCommand } from './commands/dispatch';
import { runInterleaved } from './commands/interleave';
import { Catalog } from './storage/catalog';
import { CursorRegistry } from './storage/cursors';
import { serveConnection } from './wire/connection';

export interface MongoTestServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /**
   * Interleave multi-document writes of different connections per document, as MongoDB does
   * (commands/interleave.ts), instead of running each command atomically. Default false.
   */
  interleave?: boolean;
}

export interface MongoTestServer {
  /** `mongodb://127.0.0.1:PORT`, ready for `new MongoClient(url)`. */
  url: string;
  /** Closes every client connection and the listener; the data is gone. */
  stop(): Promise<void>;
}

/**
 * An in-memory, single-node, standalone MongoDB speaking the wire protocol on loopback, for
 * suites that run the real `mongodb` driver where no mongod can be installed. See README.md for
 * what it models and what it does not.
 */
export async function startMongoTestServer(options: MongoTestServerOptions = {}): Promise<MongoTestServer> {
  const catalog = new Catalog();
  const cursors = new CursorRegistry();
  const sockets = new Set<Socket>();
  let nextConnectionId = 1;

  const server = createServer((socket) => {
    const connectionId = nextConnectionId++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(socket, (command, db) =>
      options.interleave ? runInterleaved(command, { db, catalog, cursors, connectionId }) : runCommand(command, { db, catalog, cursors, connectionId }),
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the test server has no TCP address');

  return {
    url: `mongodb://127.0.0.1:${address.port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
