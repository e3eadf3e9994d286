import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { asBuffer } from './bytes.ts';
import { CccdError } from './errors.ts';

// ICAO 9303-11 BAC and secure messaging primitives: 2-key 3DES (OpenSSL `des-ede`) and the retail
// MAC. Node's OpenSSL may lack single DES, so single-DES steps use 3DES with the key doubled (K‖K).

const ZERO_IV = Buffer.alloc(8);

function run(
  mode: 'encrypt' | 'decrypt',
  algorithm: string,
  key: Uint8Array,
  iv: Buffer | null,
  data: Uint8Array,
): Buffer {
  if (data.length % 8 !== 0) throw new RangeError('3DES input must be a multiple of 8 bytes');
  const cipher =
    mode === 'encrypt' ? createCipheriv(algorithm, key, iv) : createDecipheriv(algorithm, key, iv);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

/** 2-key 3DES-CBC with a zero IV (the only IV BAC uses). */
export function tdesEncrypt(key16: Uint8Array, data: Uint8Array): Buffer {
  return run('encrypt', 'des-ede-cbc', key16, ZERO_IV, data);
}

export function tdesDecrypt(key16: Uint8Array, data: Uint8Array): Buffer {
  return run('decrypt', 'des-ede-cbc', key16, ZERO_IV, data);
}

function singleDesKey(key8: Uint8Array): Buffer {
  return Buffer.concat([key8, key8]);
}

/** ISO/IEC 9797-1 padding method 2: always append 80, then 00 up to a multiple of 8. */
export function pad(data: Uint8Array): Buffer {
  const padLength = 8 - (data.length % 8);
  const out = Buffer.alloc(data.length + padLength);
  out.set(data);
  out[data.length] = 0x80;
  return out;
}

export function unpad(data: Uint8Array): Buffer {
  let i = data.length - 1;
  while (i >= 0 && data[i] === 0x00) i--;
  if (i < 0 || data[i] !== 0x80 || data.length - i > 8) {
    throw new CccdError('secure_messaging', 'Đệm dữ liệu không hợp lệ', 'Invalid padding');
  }
  return asBuffer(data).subarray(0, i);
}

/** ISO/IEC 9797-1 MAC algorithm 3 (retail MAC) with padding method 2, 8-byte result. */
export function retailMac(key16: Uint8Array, message: Uint8Array): Buffer {
  const ka = singleDesKey(key16.subarray(0, 8));
  const kb = singleDesKey(key16.subarray(8, 16));
  const chained = run('encrypt', 'des-ede-cbc', ka, ZERO_IV, pad(message));
  const last = chained.subarray(chained.length - 8);
  const step = run('decrypt', 'des-ede-ecb', kb, null, last);
  return run('encrypt', 'des-ede-ecb', ka, null, step);
}

/** Sets the low bit of each byte so that every byte has odd parity (DES key convention). */
export function adjustParity(key: Uint8Array): Buffer {
  const out = Buffer.from(key);
  for (let i = 0; i < out.length; i++) {
    const b = out[i]! & 0xfe;
    let ones = 0;
    for (let v = b; v; v >>= 1) ones += v & 1;
    out[i] = ones % 2 === 0 ? b | 1 : b;
  }
  return out;
}

export function sha1(data: Uint8Array): Buffer {
  return createHash('sha1').update(data).digest();
}

/** ICAO KDF for 3DES: first 16 bytes of SHA-1(K ‖ counter), parity adjusted. c=1 ENC, c=2 MAC. */
export function deriveKey(seed: Uint8Array, counter: 1 | 2): Buffer {
  const c = Buffer.alloc(4);
  c.writeUInt32BE(counter);
  return adjustParity(sha1(Buffer.concat([seed, c])).subarray(0, 16));
}

export interface TdesKeys {
  enc: Buffer;
  mac: Buffer;
}

export function deriveKeys(seed: Uint8Array): TdesKeys {
  return { enc: deriveKey(seed, 1), mac: deriveKey(seed, 2) };
}

/** Compares MACs in constant time. */
export function macEquals(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
