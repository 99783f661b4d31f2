import { deserialize, serialize, type Document } from 'bson';
import { fromWire, toWire } from '../storage/bson-numbers';

// Opcodes and flags from MongoDB's wire protocol reference
// (https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/).
export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_MSG = 2013;
const HEADER_SIZE = 16;
const CHECKSUM_PRESENT = 1 << 0;
const MORE_TO_COME = 1 << 1;

export interface MessageHeader {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

/** A command as the dispatcher sees it, whichever opcode carried it. */
export interface CommandRequest {
  header: MessageHeader;
  /** The command document, with OP_MSG kind-1 document sequences merged in by identifier. */
  body: Document;
  /** The database the command runs against (`$db`, or the OP_QUERY namespace prefix). */
  db: string;
  /** OP_MSG `moreToCome`: the client expects no reply (unacknowledged writes). */
  moreToCome: boolean;
}

// Numbers arrive as Int32/Double/Long and are stored as JS numbers, so mingo can compare and do
// arithmetic on them, with their BSON type kept beside them (storage/bson-numbers.ts).
const deserializeOptions = { promoteValues: false } as const;
const read = (bytes: Buffer): Document => fromWire(deserialize(bytes, deserializeOptions));

export function readHeader(buffer: Buffer): MessageHeader {
  return {
    length: buffer.readInt32LE(0),
    requestId: buffer.readInt32LE(4),
    responseTo: buffer.readInt32LE(8),
    opCode: buffer.readInt32LE(12),
  };
}

/** Parses one complete message; `message` is exactly `header.length` bytes. */
export function parseRequest(message: Buffer): CommandRequest {
  const header = readHeader(message);
  if (header.opCode === OP_MSG) return parseOpMsg(header, message);
  if (header.opCode === OP_QUERY) return parseOpQuery(header, message);
  throw new Error(`unsupported opcode ${header.opCode}`);
}

function parseOpMsg(header: MessageHeader, message: Buffer): CommandRequest {
  const flags = message.readUInt32LE(HEADER_SIZE);
  // The checksum, when present, is the last four bytes; TCP on loopback needs no verification.
  const end = flags & CHECKSUM_PRESENT ? message.length - 4 : message.length;
  let offset = HEADER_SIZE + 4;
  let body: Document | undefined;
  const sequences: Record<string, Document[]> = {};
  while (offset < end) {
    const kind = message.readUInt8(offset);
    offset += 1;
    if (kind === 0) {
      const size = message.readInt32LE(offset);
      body = read(message.subarray(offset, offset + size));
      offset += size;
    } else if (kind === 1) {
      const size = message.readInt32LE(offset);
      const sectionEnd = offset + size;
      const nameEnd = message.indexOf(0, offset + 4);
      const identifier = message.toString('utf8', offset + 4, nameEnd);
      const documents: Document[] = (sequences[identifier] ??= []);
      for (let cursor = nameEnd + 1; cursor < sectionEnd; ) {
        const docSize = message.readInt32LE(cursor);
        documents.push(read(message.subarray(cursor, cursor + docSize)));
        cursor += docSize;
      }
      offset = sectionEnd;
    } else {
      throw new Error(`unsupported OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new Error('OP_MSG without a body section');
  Object.assign(body, sequences);
  return { header, body, db: String(body.$db ?? 'admin'), moreToCome: (flags & MORE_TO_COME) !== 0 };
}

function parseOpQuery(header: MessageHeader, message: Buffer): CommandRequest {
  let offset = HEADER_SIZE + 4; // flags
  const nameEnd = message.indexOf(0, offset);
  const namespace = message.toString('utf8', offset, nameEnd);
  offset = nameEnd + 1 + 8; // numberToSkip, numberToReturn
  const size = message.readInt32LE(offset);
  let body = read(message.subarray(offset, offset + size));
  // Legacy drivers wrap the command as {$query: {...}, $readPreference: ...}.
  if (body.$query && typeof body.$query === 'object') body = body.$query as Document;
  return { header, body, db: namespace.split('.')[0], moreToCome: false };
}

let nextRequestId = 1;

function frame(opCode: number, responseTo: number, payload: Buffer[]): Buffer {
  const length = HEADER_SIZE + payload.reduce((sum, part) => sum + part.length, 0);
  const header = Buffer.alloc(HEADER_SIZE);
  header.writeInt32LE(length, 0);
  header.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  header.writeInt32LE(responseTo, 8);
  header.writeInt32LE(opCode, 12);
  return Buffer.concat([header, ...payload]);
}

/** The reply to a request, in the opcode the request used. */
export function encodeReply(request: CommandRequest, reply: Document): Buffer {
  const document = Buffer.from(serialize(toWire(reply)));
  if (request.header.opCode === OP_QUERY) {
    const fields = Buffer.alloc(20); // responseFlags, cursorID (int64), startingFrom, numberReturned
    fields.writeInt32LE(1, 16);
    return frame(OP_REPLY, request.header.requestId, [fields, document]);
  }
  const flagsAndKind = Buffer.alloc(5); // flagBits 0, section kind 0
  return frame(OP_MSG, request.header.requestId, [flagsAndKind, document]);
}
