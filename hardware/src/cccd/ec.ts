import { generateKeyPairSync } from 'node:crypto';
import { CccdError } from './errors.ts';
import { parseTlvs, readTlv } from './tlv.ts';

// Prime-curve arithmetic in BigInt for PACE generic mapping, which needs what node:crypto does not
// offer: points as values (H = t·C, G' = s·G + H) and key agreement on a generator of our own.
// Curve constants come from OpenSSL itself (a key exported with explicit parameters).

export interface Curve {
  name: string;
  p: bigint;
  a: bigint;
  b: bigint;
  g: Point;
  n: bigint;
  /** Field size in bytes (coordinates are encoded at this length). */
  size: number;
}

export interface Point {
  x: bigint;
  y: bigint;
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
  const [, fieldId, curveSeq, base, order] = parseTlvs(params!.value);
  const [, prime] = parseTlvs(fieldId!.value);
  const [a, b] = parseTlvs(curveSeq!.value);
  const p = toBigInt(prime!.value);
  const size = Math.ceil(p.toString(16).length / 2);
  const curve: Curve = {
    name,
    p,
    a: toBigInt(a!.value),
    b: toBigInt(b!.value),
    g: decodePoint({ p, size } as Curve, base!.value),
    n: toBigInt(order!.value),
    size,
  };
  cache.set(name, curve);
  return curve;
}

const mod = (v: bigint, m: bigint) => {
  const r = v % m;
  return r < 0n ? r + m : r;
};

function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n;
  let b = mod(base, m);
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
  }
  return result;
}

const inverse = (v: bigint, p: bigint) => modPow(v, p - 2n, p);

export function isOnCurve(curve: Curve, pt: Point): boolean {
  const { p, a, b } = curve;
  if (pt.x < 0n || pt.x >= p || pt.y < 0n || pt.y >= p) return false;
  return mod(pt.y * pt.y - (pt.x * pt.x * pt.x + a * pt.x + b), p) === 0n;
}

/** Uncompressed encoding `04 ‖ x ‖ y`; the point must lie on the curve. */
export function decodePoint(curve: Pick<Curve, 'p' | 'size'> & Partial<Curve>, bytes: Uint8Array): Point {
  if (bytes.length !== 1 + 2 * curve.size || bytes[0] !== 0x04) {
    throw new CccdError(
      'auth_failed',
      'Khoá công khai của thẻ sai định dạng',
      'The card public key is malformed',
    );
  }
  const pt = { x: toBigInt(bytes.subarray(1, 1 + curve.size)), y: toBigInt(bytes.subarray(1 + curve.size)) };
  if (curve.a !== undefined && curve.b !== undefined && !isOnCurve(curve as Curve, pt)) {
    throw new CccdError(
      'auth_failed',
      'Khoá công khai của thẻ không nằm trên đường cong',
      'The card public key is not on the curve',
    );
  }
  return pt;
}

export function encodePoint(curve: Curve, pt: Point): Buffer {
  return Buffer.concat([Buffer.from([0x04]), toFixedBytes(pt.x, curve.size), toFixedBytes(pt.y, curve.size)]);
}

// Jacobian coordinates (X, Y, Z) ↔ affine (X/Z², Y/Z³); Z = 0 is the point at infinity.
type Jacobian = [bigint, bigint, bigint];

function double(curve: Curve, [x, y, z]: Jacobian): Jacobian {
  const { p, a } = curve;
  if (z === 0n || y === 0n) return [0n, 1n, 0n];
  const yy = (y * y) % p;
  const s = (4n * x * yy) % p;
  const zz = (z * z) % p;
  const m = mod(3n * x * x + a * zz * zz, p);
  const x3 = mod(m * m - 2n * s, p);
  const y3 = mod(m * (s - x3) - 8n * yy * yy, p);
  const z3 = (2n * y * z) % p;
  return [x3, y3, z3];
}

function add(curve: Curve, P: Jacobian, Q: Jacobian): Jacobian {
  const { p } = curve;
  if (P[2] === 0n) return Q;
  if (Q[2] === 0n) return P;
  const z1z1 = (P[2] * P[2]) % p;
  const z2z2 = (Q[2] * Q[2]) % p;
  const u1 = (P[0] * z2z2) % p;
  const u2 = (Q[0] * z1z1) % p;
  const s1 = (P[1] * Q[2] * z2z2) % p;
  const s2 = (Q[1] * P[2] * z1z1) % p;
  if (u1 === u2) return s1 === s2 ? double(curve, P) : [0n, 1n, 0n];
  const h = mod(u2 - u1, p);
  const r = mod(s2 - s1, p);
  const hh = (h * h) % p;
  const hhh = (h * hh) % p;
  const v = (u1 * hh) % p;
  const x3 = mod(r * r - hhh - 2n * v, p);
  const y3 = mod(r * (v - x3) - s1 * hhh, p);
  const z3 = (P[2] * Q[2] * h) % p;
  return [x3, y3, z3];
}

function toAffine(curve: Curve, [x, y, z]: Jacobian): Point {
  if (z === 0n)
    throw new CccdError(
      'auth_failed',
      'Phép tính ra điểm vô cực',
      'The computation reached the point at infinity',
    );
  const zi = inverse(z, curve.p);
  const zi2 = (zi * zi) % curve.p;
  return { x: (x * zi2) % curve.p, y: (y * zi2 * zi) % curve.p };
}

/** k·P (double-and-add; the scalars here are ephemeral, used once). */
export function multiply(curve: Curve, pt: Point, k: bigint): Point {
  let result: Jacobian = [0n, 1n, 0n];
  let addend: Jacobian = [pt.x, pt.y, 1n];
  for (let e = mod(k, curve.n); e > 0n; e >>= 1n) {
    if (e & 1n) result = add(curve, result, addend);
    addend = double(curve, addend);
  }
  return toAffine(curve, result);
}

export function addPoints(curve: Curve, a: Point, b: Point): Point {
  return toAffine(curve, add(curve, [a.x, a.y, 1n], [b.x, b.y, 1n]));
}

/** A private scalar in [1, n−1] from random bytes. */
export function scalarFrom(curve: Curve, bytes: Uint8Array): bigint {
  const k = toBigInt(bytes);
  return k > 0n && k < curve.n ? k : mod(k, curve.n - 1n) + 1n;
}

export { toBigInt };
