import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM with a fresh random 96-bit IV per message (NIST SP 800-38D's recommended IV
 * length). A data key seals at most a few values per order, far below the 2^32 random-IV limit.
 */
export interface GcmBox {
  iv: Buffer;
  ct: Buffer;
  tag: Buffer;
}

export const keyLength = 32;
const ivLength = 12;
const tagLength = 16;

/**
 * IVs are cut from a block of CSPRNG bytes drawn 256 IVs at a time, never reused: one
 * randomBytes call per sealed field was a twentieth of an import's sealing (issue 12).
 */
const ivsPerDraw = 256;
let ivBlock = Buffer.alloc(0);
let ivOffset = 0;
function freshIv(): Buffer {
  if (ivOffset === ivBlock.length) {
    ivBlock = randomBytes(ivLength * ivsPerDraw);
    ivOffset = 0;
  }
  const iv = ivBlock.subarray(ivOffset, ivOffset + ivLength);
  ivOffset += ivLength;
  return iv;
}

export function gcmEncrypt(key: Buffer, plaintext: Buffer, aad: Buffer): GcmBox {
  const iv = freshIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagLength });
  cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ct, tag: cipher.getAuthTag() };
}

/** Throws when the key, the AAD or any byte of the box is not what was sealed. */
export function gcmDecrypt(key: Buffer, box: GcmBox, aad: Buffer): Buffer {
  // A shorter tag would be accepted by Node unless its length is pinned (truncation attack).
  if (box.iv.length !== ivLength || box.tag.length !== tagLength) throw new Error('malformed AES-GCM box');
  const decipher = createDecipheriv('aes-256-gcm', key, box.iv, { authTagLength: tagLength });
  decipher.setAAD(aad);
  decipher.setAuthTag(box.tag);
  return Buffer.concat([decipher.update(box.ct), decipher.final()]);
}

/** One bytea value, iv || tag || ct, for keys wrapped under the master key. */
export function packBox(box: GcmBox): Buffer {
  return Buffer.concat([box.iv, box.tag, box.ct]);
}

export function unpackBox(packed: Buffer): GcmBox {
  return { iv: packed.subarray(0, ivLength), tag: packed.subarray(ivLength, ivLength + tagLength), ct: packed.subarray(ivLength + tagLength) };
}
