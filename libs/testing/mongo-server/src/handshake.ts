import type { Document } from 'bson';

// The server this double claims to be. Driver 7 needs maxWireVersion >= 9 (MongoDB 4.4,
// node_modules/mongodb/lib/cmap/wire_protocol/constants.js); 21 is MongoDB 7.0.
export const SERVER_VERSION = '7.0.0';
const MAX_WIRE_VERSION = 21;

/**
 * The reply to `hello` / legacy `isMaster`: a writable standalone. `topologyVersion` is left out
 * on purpose, so the driver's monitor polls instead of sending awaitable (exhaust) hellos.
 * No `compression` is offered, so the driver never sends OP_COMPRESSED.
 */
export function helloReply(connectionId: number): Document {
  return {
    helloOk: true,
    ismaster: true,
    isWritablePrimary: true,
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
  };
}

export function buildInfoReply(): Document {
  return {
    version: SERVER_VERSION,
    gitVersion: 'ordersource-in-memory',
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: 16 * 1024 * 1024,
    storageEngines: ['in-memory-test-double'],
  };
}
