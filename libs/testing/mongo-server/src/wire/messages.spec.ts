import { deserialize, serialize, type Document } from 'bson';
import { encodeReply, OP_MSG, OP_QUERY, OP_REPLY, parseRequest, readHeader } from './messages';

function withHeader(opCode: number, requestId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + payload.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(opCode, 12);
  return Buffer.concat([header, payload]);
}

const bson = (document: Document) => Buffer.from(serialize(document));

function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value >>> 0, 0);
  return buffer;
}

function sequence(identifier: string, documents: Document[]): Buffer {
  const body = Buffer.concat([Buffer.from(`${identifier}\0`), ...documents.map(bson)]);
  return Buffer.concat([Buffer.from([1]), uint32(4 + body.length), body]);
}

describe('wire messages', () => {
  it('reads a legacy OP_QUERY handshake and answers it with an OP_REPLY', () => {
    const payload = Buffer.concat([uint32(0), Buffer.from('admin.$cmd\0'), uint32(0), uint32(0xffffffff), bson({ isMaster: 1 })]);
    const request = parseRequest(withHeader(OP_QUERY, 7, payload));

    const reply = encodeReply(request, { ok: 1 });

    expect(request).toMatchObject({ db: 'admin', body: { isMaster: 1 }, moreToCome: false });
    expect(readHeader(reply)).toMatchObject({ length: reply.length, responseTo: 7, opCode: OP_REPLY });
    expect(reply.readInt32LE(16 + 16)).toBe(1); // numberReturned
    expect(deserialize(reply.subarray(36))).toEqual({ ok: 1 });
  });

  it('merges OP_MSG document sequences into the body and skips a trailing checksum', () => {
    const flags = (1 << 0) | (1 << 1); // checksumPresent | moreToCome
    const payload = Buffer.concat([
      uint32(flags),
      Buffer.from([0]),
      bson({ insert: 'orders', $db: 'shop' }),
      sequence('documents', [{ n: 1 }, { n: 2 }]),
      uint32(0xdeadbeef),
    ]);

    const request = parseRequest(withHeader(OP_MSG, 9, payload));

    expect(request).toMatchObject({ db: 'shop', moreToCome: true, body: { insert: 'orders', documents: [{ n: 1 }, { n: 2 }] } });
  });

  it('answers an OP_MSG with an OP_MSG carrying one body section', () => {
    const request = parseRequest(withHeader(OP_MSG, 3, Buffer.concat([uint32(0), Buffer.from([0]), bson({ ping: 1, $db: 'admin' })])));

    const reply = encodeReply(request, { ok: 1 });

    expect(readHeader(reply)).toMatchObject({ length: reply.length, responseTo: 3, opCode: OP_MSG });
    expect(reply.readUInt8(20)).toBe(0);
    expect(deserialize(reply.subarray(21))).toEqual({ ok: 1 });
  });
});
