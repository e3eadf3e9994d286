import {
  aesCmac,
  aesDecrypt,
  aesEncrypt,
  padTo,
  retailMac,
  type TdesKeys,
  tdesDecrypt,
  tdesEncrypt,
  unpad,
} from './crypto.ts';

/**
 * The cipher side of ICAO 9303-11 secure messaging: 3DES after BAC (zero IV, retail MAC, 8-byte
 * SSC), or AES after PACE (IV = E(K_enc, SSC), CMAC truncated to 8 bytes, 16-byte SSC).
 * Shared by the reader and the simulated chip.
 */
export interface SmCipher {
  blockSize: 8 | 16;
  encrypt(data: Uint8Array, ssc: Buffer): Buffer;
  decrypt(data: Uint8Array, ssc: Buffer): Buffer;
  /** 8-byte MAC of `message`, padding included. */
  mac(message: Uint8Array): Buffer;
}

export function tdesCipher(keys: TdesKeys): SmCipher {
  return {
    blockSize: 8,
    encrypt: (data) => tdesEncrypt(keys.enc, padTo(data, 8)),
    decrypt: (data) => unpad(tdesDecrypt(keys.enc, data), 8),
    mac: (message) => retailMac(keys.mac, message),
  };
}

export function aesCipher(keys: { enc: Buffer; mac: Buffer }): SmCipher {
  const iv = (ssc: Buffer) => aesEncrypt(keys.enc, null, ssc);
  return {
    blockSize: 16,
    encrypt: (data, ssc) => aesEncrypt(keys.enc, iv(ssc), padTo(data, 16)),
    decrypt: (data, ssc) => unpad(aesDecrypt(keys.enc, iv(ssc), data), 16),
    mac: (message) => aesCmac(keys.mac, padTo(message, 16)).subarray(0, 8),
  };
}

/** A send sequence counter of the cipher's block size. */
export class SendSequenceCounter {
  private value: bigint;
  private readonly mask: bigint;

  constructor(
    initial: Uint8Array,
    private readonly size: number,
  ) {
    if (initial.length !== size) throw new RangeError(`SSC must be ${size} bytes`);
    this.value = BigInt(`0x${Buffer.from(initial).toString('hex') || '0'}`);
    this.mask = (1n << BigInt(size * 8)) - 1n;
  }

  next(): Buffer {
    this.value = (this.value + 1n) & this.mask;
    return Buffer.from(this.value.toString(16).padStart(this.size * 2, '0'), 'hex');
  }
}
