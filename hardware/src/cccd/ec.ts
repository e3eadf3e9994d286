import { generateKeyPairSync } from 'node:crypto';
import { type WeierstrassPoint, weierstrass } from '@noble/curves/abstract/weierstrass.js';
import { CccdError } from './errors.ts';
import { parseTlvs, readTlv } from './tlv.ts';

// Prime-curve points for PACE generic mapping, which needs what node:crypto does not offer: points
// as values (H = t·C, G' = s·G + H) and key agreement on a generator of our own. The arithmetic is
// @noble/curves' (audited, constant-time multiplication); the curve constants come from OpenSSL
// itself (a key exported with explicit parameters), so every PACE curve, Brainpool included, works.

export type Point = WeierstrassPoint<bigint>;

export interface Curve {
  name: string;
  /** @noble/curves' point constructor for this curve. */
  Point: ReturnType<typeof weierstrass<bigint>>;
  g: Point;
  n: bigint;
  /** Field size in bytes (coordinates are encoded at this length). */
  size: number;
}

/** Standardised domain parameters by PACE parameterId (ICAO 9303-11 table 6); only prime curves. */
export const PACE_CURVES: Record<number, string> = {
  8: 'prime192v1',
  9: 'brainpoolP192r1',
  10: 'secp224r1',
  11: 'brainpoolP224r1',
  12: 'prime256v1',
  13: 'brainpoolP256r1',
  14: 'brainpoolP320r1',
  15: 'secp384r1',
  16: 'brainpoolP384r1',
  17: 'brainpoolP512r1',
  18: 'secp521r1',
};

const toBigInt = (bytes: Uint8Array) =>
  bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);

export function toFixedBytes(value: bigint, length: number): Buffer {
  return Buffer.from(value.toString(16).padStart(length * 2, '0'), 'hex');
}

const cache = new Map<string, Curve>();

export function curveByName(name: string): Curve {
  const cached = cache.get(name);
  if (cached) return cached;
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: name, paramEncoding: 'explicit' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const [algorithm] = parseTlvs(readTlv(spki).value);
  const [, params] = parseTlvs(algorithm!.value);
  const [, fieldId, curveSeq, base, order, cofactor] = parseTlvs(params!.value);
  const [, prime] = parseTlvs(fieldId!.value);
  const [a, b] = parseTlvs(curveSeq!.value);
  const p = toBigInt(prime!.value);
  const size = Math.ceil(p.toString(16).length / 2);
  const g = base!.value.subarray(1);
  const Point = weierstrass({
    p,
    n: toBigInt(order!.value),
    h: cofactor ? toBigInt(cofactor.value) : 1n,
    a: toBigInt(a!.value),
    b: toBigInt(b!.value),
    Gx: toBigInt(g.subarray(0, size)),
    Gy: toBigInt(g.subarray(size)),
  });
  const curve: Curve = { name, Point, g: Point.BASE, n: Point.CURVE().n, size };
  cache.set(name, curve);
  return curve;
}

/** Uncompressed encoding `04 ‖ x ‖ y`; the point must lie on the curve. */
export function decodePoint(curve: Curve, bytes: Uint8Array): Point {
  if (bytes.length !== 1 + 2 * curve.size || bytes[0] !== 0x04) {
    throw new CccdError(
      'auth_failed',
      'Khoá công khai của thẻ sai định dạng',
      'The card public key is malformed',
    );
  }
  try {
    return curve.Point.fromBytes(bytes);
  } catch (cause) {
    throw new CccdError(
      'auth_failed',
      'Khoá công khai của thẻ không nằm trên đường cong',
      'The card public key is not on the curve',
      { cause },
    );
  }
}

export function encodePoint(_curve: Curve, pt: Point): Buffer {
  return Buffer.from(pt.toBytes(false));
}

function finite(pt: Point): Point {
  if (pt.is0())
    throw new CccdError(
      'auth_failed',
      'Phép tính ra điểm vô cực',
      'The computation reached the point at infinity',
    );
  return pt;
}

/** k·P in constant time; k is taken modulo the group order. */
export function multiply(curve: Curve, pt: Point, k: bigint): Point {
  const scalar = ((k % curve.n) + curve.n) % curve.n;
  if (scalar === 0n) return finite(curve.Point.ZERO);
  return finite(pt.multiply(scalar));
}

export function addPoints(_curve: Curve, a: Point, b: Point): Point {
  return finite(a.add(b));
}

/** A private scalar in [1, n−1] from random bytes. */
export function scalarFrom(curve: Curve, bytes: Uint8Array): bigint {
  const k = toBigInt(bytes);
  return k > 0n && k < curve.n ? k : (k % (curve.n - 1n)) + 1n;
}
