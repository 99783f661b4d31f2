// The broker reads and writes the wire format with kafkajs's own Encoder/Decoder, so a field the
// client writes one way is read back the same way. These are internals, hence the deep requires
// and the small local declarations of only what the broker uses.

export interface WireDecoder {
  offset: number;
  readInt8(): number;
  readInt16(): number;
  readInt32(): number;
  readInt64(): bigint;
  readBoolean(): boolean;
  readString(): string | null;
  readBytes(): Buffer | null;
  readArray<T>(reader: (decoder: WireDecoder) => T): T[];
  canReadBytes(length: number): boolean;
}

export interface WireEncoder {
  readonly buffer: Buffer;
  writeInt8(value: number): WireEncoder;
  writeInt16(value: number): WireEncoder;
  writeInt32(value: number): WireEncoder;
  writeInt64(value: number | bigint): WireEncoder;
  writeBoolean(value: boolean): WireEncoder;
  writeString(value: string | null): WireEncoder;
  writeBytes(value: Buffer | null): WireEncoder;
  writeBuffer(value: Buffer): WireEncoder;
  writeEncoder(value: WireEncoder): WireEncoder;
  writeArray(items: WireEncoder[] | number[] | string[]): WireEncoder;
  size(): number;
}

const Encoder: new () => WireEncoder = require('kafkajs/src/protocol/encoder');
const Decoder: new (buffer: Buffer) => WireDecoder = require('kafkajs/src/protocol/decoder');
const crc32c: (buffer: Buffer) => number = require('kafkajs/src/protocol/recordBatch/crc32C');

export const newEncoder = (): WireEncoder => new Encoder();
export const newDecoder = (buffer: Buffer): WireDecoder => new Decoder(buffer);
export { crc32c };

/** kafkajs's readArray turns a null array (-1) into []; Metadata and OffsetFetch tell them apart. */
export function readNullableArray<T>(decoder: WireDecoder, reader: (d: WireDecoder) => T): T[] | null {
  const length = decoder.readInt32();
  if (length < 0) return null;
  return Array.from({ length }, () => reader(decoder));
}

export const readInt64AsNumber = (decoder: WireDecoder): number => Number(decoder.readInt64());

/** Builds an array of encoders, one per item, so handlers can write nested structures inline. */
export const encodeEach = <T>(items: Iterable<T>, encode: (item: T, encoder: WireEncoder) => void): WireEncoder[] =>
  Array.from(items, (item) => {
    const encoder = newEncoder();
    encode(item, encoder);
    return encoder;
  });
