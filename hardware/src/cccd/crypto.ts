import { createCipheriv, createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';
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
  return padTo(data, 8);
}

export function unpad(data: Uint8Array, blockSize: 8 | 16 = 8): Buffer {
  let i = data.length - 1;
  while (i >= 0 && data[i] === 0x00) i--;
  if (i < 0 || data[i] !== 0x80 || data.length - i > blockSize) {
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

/** Compares MACs in constant time (a MAC's length is public). */
export function macEquals(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

// --- AES (PACE and the secure messaging it sets up) ---

export type PaceCipher = '3des' | 'aes128' | 'aes192' | 'aes256';

/** ICAO KDF for any PACE cipher: SHA-1 for 3DES/AES-128, SHA-256 above; counter 1 ENC, 2 MAC, 3 π. */
export function kdf(secret: Uint8Array, counter: 1 | 2 | 3, cipher: PaceCipher): Buffer {
  const c = Buffer.alloc(4);
  c.writeUInt32BE(counter);
  const hash = cipher === 'aes192' || cipher === 'aes256' ? 'sha256' : 'sha1';
  const digest = createHash(hash).update(secret).update(c).digest();
  if (cipher === '3des') return adjustParity(digest.subarray(0, 16));
  return digest.subarray(0, cipher === 'aes128' ? 16 : cipher === 'aes192' ? 24 : 32);
}

function aesName(key: Uint8Array, mode: 'cbc' | 'ecb'): string {
  return `aes-${key.length * 8}-${mode}`;
}

export function aesEncrypt(key: Uint8Array, iv: Uint8Array | null, data: Uint8Array): Buffer {
  if (data.length % 16 !== 0) throw new RangeError('AES input must be a multiple of 16 bytes');
  const cipher = createCipheriv(aesName(key, iv ? 'cbc' : 'ecb'), key, iv);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

export function aesDecrypt(key: Uint8Array, iv: Uint8Array | null, data: Uint8Array): Buffer {
  if (data.length % 16 !== 0) throw new RangeError('AES input must be a multiple of 16 bytes');
  const decipher = createDecipheriv(aesName(key, iv ? 'cbc' : 'ecb'), key, iv);
  decipher.setAutoPadding(false);
  return Buffer.concat([decipher.update(data), decipher.final()]);
}

function shiftLeft(block: Buffer): Buffer {
  const out = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) out[i] = ((block[i]! << 1) | (i < 15 ? block[i + 1]! >> 7 : 0)) & 0xff;
  if (block[0]! & 0x80) out[15]! ^= 0x87;
  return out;
}

/** AES-CMAC (NIST SP 800-38B), full 16 bytes. */
export function aesCmac(key: Uint8Array, message: Uint8Array): Buffer {
  const k1 = shiftLeft(aesEncrypt(key, null, Buffer.alloc(16)));
  const k2 = shiftLeft(k1);
  const complete = message.length > 0 && message.length % 16 === 0;
  const padded = complete ? Buffer.from(message) : padTo(message, 16);
  const last = padded.length - 16;
  const subkey = complete ? k1 : k2;
  for (let i = 0; i < 16; i++) padded[last + i]! ^= subkey[i]!;
  const chained = aesEncrypt(key, Buffer.alloc(16), padded);
  return chained.subarray(chained.length - 16);
}

/** Padding method 2 to any block size. */
export function padTo(data: Uint8Array, blockSize: 8 | 16): Buffer {
  const padLength = blockSize - (data.length % blockSize);
  const out = Buffer.alloc(data.length + padLength);
  out.set(data);
  out[data.length] = 0x80;
  return out;
}
