import { randomBytes } from 'node:crypto';
import type { RandomSource } from '../bac.ts';
import { aesEncrypt, kdf, type PaceCipher, tdesEncrypt } from '../crypto.ts';
import { encodeInteger, encodeOid, seq, set } from '../der.ts';
import {
  addPoints,
  type Curve,
  curveByName,
  decodePoint,
  encodePoint,
  multiply,
  PACE_CURVES,
  type Point,
  scalarFrom,
  toFixedBytes,
} from '../ec.ts';
import type { BacAccessKey } from '../mrz.ts';
import { type PaceInfo, pacePassword, paceToken } from '../pace.ts';
import { aesCipher, type SmCipher, tdesCipher } from '../sm-cipher.ts';
import { encodeTlv, parseTlvs } from '../tlv.ts';

// The chip's side of PACE ECDH generic mapping, written from ICAO 9303-11 §4.4 for the simulator.

export interface SimulatedPace {
  /** 12 = NIST P-256, 13 = brainpoolP256r1 (default). */
  parameterId?: number;
  cipher?: PaceCipher;
  /** Defaults to the last 6 digits of the ID number. */
  can?: string;
}

const CIPHER_ARC: Record<PaceCipher, number> = { '3des': 1, aes128: 2, aes192: 3, aes256: 4 };

export function paceInfoFor(options: SimulatedPace): PaceInfo {
  const cipher = options.cipher ?? 'aes128';
  return {
    oid: `0.4.0.127.0.7.2.2.4.2.${CIPHER_ARC[cipher]}`,
    version: 2,
    parameterId: options.parameterId ?? 13,
    mapping: 'ECDH-GM',
    cipher,
  };
}

/** EF.CardAccess with one PACEInfo. */
export function buildCardAccess(info: PaceInfo): Buffer {
  return set(seq(encodeOid(info.oid), encodeInteger(info.version), encodeInteger(info.parameterId ?? 13)));
}

type Step =
  | { name: 'idle' }
  | { name: 'set'; reference: number }
  | { name: 'nonce'; s: bigint }
  | { name: 'mapped'; generator: Point }
  | { name: 'agreed'; keys: { enc: Buffer; mac: Buffer }; ownPublic: Buffer; terminalPublic: Buffer };

export class ChipPace {
  readonly info: PaceInfo;
  private readonly curve: Curve;
  private step: Step = { name: 'idle' };

  constructor(
    options: SimulatedPace,
    private readonly can: string,
    private readonly mrz: BacAccessKey,
    private readonly random: RandomSource = randomBytes,
  ) {
    this.info = paceInfoFor(options);
    this.curve = curveByName(PACE_CURVES[this.info.parameterId!]!);
  }

  /** MSE:Set AT. Returns the status word. */
  setAt(data: Buffer): number {
    const fields = parseTlvs(data);
    const oid = fields.find((f) => f.tag === 0x80)?.value;
    const reference = fields.find((f) => f.tag === 0x83)?.value[0];
    if (!oid || !encodeOid(this.info.oid).subarray(2).equals(oid)) return 0x6a80;
    if (reference !== 1 && reference !== 2) return 0x6a80;
    this.step = { name: 'set', reference };
    return 0x9000;
  }

  /** One GENERAL AUTHENTICATE step. Returns [status, response data, session cipher when done]. */
  generalAuthenticate(data: Buffer): [number, Buffer, SmCipher?] {
    const template = parseTlvs(data)[0];
    const items = template?.tag === 0x7c ? parseTlvs(template.value) : [];
    const item = (tag: number) => items.find((i) => i.tag === tag)?.value;
    const reply = (tag: number, value: Buffer): [number, Buffer] => [
      0x9000,
      encodeTlv(0x7c, [encodeTlv(tag, value)]),
    ];
    const step = this.step;
    try {
      if (step.name === 'set' && items.length === 0) {
        const password = step.reference === 2 ? { can: this.can } : { mrz: this.mrz };
        const kPi = kdf(pacePassword(password).secret, 3, this.info.cipher);
        const nonce = this.random(this.info.cipher === '3des' ? 8 : 16);
        const z =
          this.info.cipher === '3des' ? tdesEncrypt(kPi, nonce) : aesEncrypt(kPi, Buffer.alloc(16), nonce);
        this.step = { name: 'nonce', s: BigInt(`0x${nonce.toString('hex')}`) };
        return reply(0x80, z);
      }
      if (step.name === 'nonce' && item(0x81)) {
        const terminal = decodePoint(this.curve, item(0x81)!);
        const key = scalarFrom(this.curve, this.random(this.curve.size));
        const h = multiply(this.curve, terminal, key);
        this.step = {
          name: 'mapped',
          generator: addPoints(this.curve, multiply(this.curve, this.curve.g, step.s), h),
        };
        return reply(0x82, encodePoint(this.curve, multiply(this.curve, this.curve.g, key)));
      }
      if (step.name === 'mapped' && item(0x83)) {
        const terminalPublic = item(0x83)!;
        const terminal = decodePoint(this.curve, terminalPublic);
        const key = scalarFrom(this.curve, this.random(this.curve.size));
        const ownPublic = encodePoint(this.curve, multiply(this.curve, step.generator, key));
        const shared = toFixedBytes(multiply(this.curve, terminal, key).x, this.curve.size);
        const keys = { enc: kdf(shared, 1, this.info.cipher), mac: kdf(shared, 2, this.info.cipher) };
        this.step = { name: 'agreed', keys, ownPublic, terminalPublic };
        return reply(0x84, ownPublic);
      }
      if (step.name === 'agreed' && item(0x85)) {
        this.step = { name: 'idle' };
        if (!paceToken(this.info, step.keys.mac, step.ownPublic).equals(item(0x85)!))
          return [0x6300, Buffer.alloc(0)];
        const token = paceToken(this.info, step.keys.mac, step.terminalPublic);
        const cipher = this.info.cipher === '3des' ? tdesCipher(step.keys) : aesCipher(step.keys);
        return [...reply(0x86, token), cipher];
      }
    } catch {
      // A malformed point or template from the terminal: refuse like a card would.
    }
    this.step = { name: 'idle' };
    return [0x6a80, Buffer.alloc(0)];
  }
}
