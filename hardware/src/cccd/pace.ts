import { randomBytes } from 'node:crypto';
import { type CardTransport, encodeApdu, SW_OK, statusError, transmitRaw } from './apdu.ts';
import type { RandomSource } from './bac.ts';
import { aesCmac, aesDecrypt, kdf, type PaceCipher, retailMac, sha1, tdesDecrypt } from './crypto.ts';
import { childrenOf, decodeOid, decodeSmallInteger, encodeOid } from './der.ts';
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
} from './ec.ts';
import { CccdError } from './errors.ts';
import { type BacAccessKey, mrzInformation } from './mrz.ts';
import { SecureMessaging } from './secure-messaging.ts';
import { aesCipher, tdesCipher } from './sm-cipher.ts';
import { encodeTlv, parseTlvs, readTlv, readTlvHeader } from './tlv.ts';

// PACE (ICAO 9303-11 §4.4) with ECDH generic mapping, the variant of ID cards that hold
// EF.CardAccess. Integrated and chip-authentication mappings, and DH groups, are not supported.

const ID_PACE = '0.4.0.127.0.7.2.2.4';
const CIPHERS: Record<number, PaceCipher> = { 1: '3des', 2: 'aes128', 3: 'aes192', 4: 'aes256' };

export interface PaceInfo {
  oid: string;
  version: number;
  /** Standardised domain parameters (ICAO 9303-11 table 6); 12 = P-256, 13 = brainpoolP256r1. */
  parameterId?: number;
  mapping: 'DH-GM' | 'ECDH-GM' | 'DH-IM' | 'ECDH-IM' | 'ECDH-CAM';
  cipher: PaceCipher;
}

const MAPPINGS: Record<number, PaceInfo['mapping']> = {
  1: 'DH-GM',
  2: 'ECDH-GM',
  3: 'DH-IM',
  4: 'ECDH-IM',
  6: 'ECDH-CAM',
};

/** The PACEInfo entries of EF.CardAccess (a SET of SecurityInfo); other entries are ignored. */
export function parseCardAccess(bytes: Uint8Array): PaceInfo[] {
  const set = readTlv(bytes);
  const out: PaceInfo[] = [];
  for (const info of childrenOf(set, 0x31, 'SecurityInfos')) {
    if (info.tag !== 0x30) continue;
    const [oidTlv, version, parameterId] = parseTlvs(info.value);
    if (oidTlv?.tag !== 0x06) continue;
    const oid = decodeOid(oidTlv.value);
    if (!oid.startsWith(`${ID_PACE}.`)) continue;
    const [mappingArc, cipherArc] = oid
      .slice(ID_PACE.length + 1)
      .split('.')
      .map(Number);
    const mapping = MAPPINGS[mappingArc ?? 0];
    const cipher = CIPHERS[cipherArc ?? 0];
    if (!mapping || !cipher || version?.tag !== 0x02) continue;
    out.push({
      oid,
      version: decodeSmallInteger(version),
      ...(parameterId?.tag === 0x02 ? { parameterId: decodeSmallInteger(parameterId) } : {}),
      mapping,
      cipher,
    });
  }
  return out;
}

/** The first PACEInfo this reader can perform, if any. */
export function choosePace(infos: readonly PaceInfo[]): PaceInfo | undefined {
  return infos.find(
    (i) => i.mapping === 'ECDH-GM' && i.parameterId !== undefined && PACE_CURVES[i.parameterId],
  );
}

export type PacePassword = { can: string } | { mrz: BacAccessKey };

/** π as hashed into K_π: the CAN's digits, or SHA-1 of the MRZ information. Reference 1 MRZ, 2 CAN. */
export function pacePassword(password: PacePassword): { secret: Buffer; reference: 1 | 2 } {
  if ('can' in password) {
    if (!/^\d{6}$/.test(password.can)) {
      throw new CccdError('access_key', 'Số CAN phải có 6 chữ số', 'The CAN must be 6 digits');
    }
    return { secret: Buffer.from(password.can, 'ascii'), reference: 2 };
  }
  return { secret: sha1(Buffer.from(mrzInformation(password.mrz), 'ascii')), reference: 1 };
}

function authFailed(en: string): never {
  throw new CccdError(
    'auth_failed',
    'Thẻ không chấp nhận khoá truy cập (PACE): kiểm tra số CAN hoặc thông tin MRZ',
    `PACE failed: ${en}`,
  );
}

/** MAC for the PACE authentication tokens: CMAC (AES) or retail MAC (3DES), 8 bytes. */
function tokenMac(cipher: PaceCipher, key: Buffer, data: Buffer): Buffer {
  return cipher === '3des' ? retailMac(key, data) : aesCmac(key, data).subarray(0, 8);
}

/** The token input: 7F49 { 06 OID, 86 public point }. */
export function tokenInput(oid: string, publicKey: Buffer): Buffer {
  return encodeTlv(0x7f49, [encodeOid(oid), encodeTlv(0x86, publicKey)]);
}

export function paceToken(info: PaceInfo, macKey: Buffer, publicKey: Buffer): Buffer {
  return tokenMac(info.cipher, macKey, tokenInput(info.oid, publicKey));
}

async function generalAuthenticate(
  transport: CardTransport,
  data: Buffer,
  last: boolean,
  expectTag: number,
  step: string,
): Promise<Buffer> {
  const answer = await transmitRaw(
    transport,
    encodeApdu({ cla: last ? 0x00 : 0x10, ins: 0x86, p1: 0, p2: 0, data: encodeTlv(0x7c, data), le: 256 }),
  );
  if (answer.sw === 0x6300 || (answer.sw & 0xfff0) === 0x63c0 || answer.sw === 0x6982)
    authFailed(`${step} refused`);
  if (answer.sw !== SW_OK) throw statusError(answer.sw, `GENERAL AUTHENTICATE (${step})`);
  const template = readTlv(answer.data);
  const item = template.tag === 0x7c ? parseTlvs(template.value).find((t) => t.tag === expectTag) : undefined;
  if (!item) authFailed(`${step}: answer lacks tag ${expectTag.toString(16)}`);
  return item.value;
}

export interface PaceSession {
  sm: SecureMessaging;
  info: PaceInfo;
}

/** Runs PACE ECDH-GM and returns secure messaging with the new session keys (SSC 0). */
export async function performPace(
  transport: CardTransport,
  info: PaceInfo,
  password: PacePassword,
  random: RandomSource = randomBytes,
): Promise<PaceSession> {
  const curveName = info.parameterId === undefined ? undefined : PACE_CURVES[info.parameterId];
  if (info.mapping !== 'ECDH-GM' || !curveName) {
    throw new CccdError(
      'auth_failed',
      'Thẻ dùng kiểu PACE chưa được hỗ trợ',
      `Unsupported PACE variant ${info.oid}`,
    );
  }
  const curve = curveByName(curveName);
  const { secret, reference } = pacePassword(password);
  const kPi = kdf(secret, 3, info.cipher);

  const mse = Buffer.concat([
    encodeTlv(0x80, encodeOid(info.oid).subarray(2)),
    encodeTlv(0x83, Buffer.from([reference])),
    encodeTlv(0x84, Buffer.from([info.parameterId!])),
  ]);
  const set = await transmitRaw(transport, encodeApdu({ cla: 0, ins: 0x22, p1: 0xc1, p2: 0xa4, data: mse }));
  if (set.sw !== SW_OK) throw statusError(set.sw, 'MSE:Set AT (PACE)');

  const z = await generalAuthenticate(transport, Buffer.alloc(0), false, 0x80, 'encrypted nonce');
  const nonce = info.cipher === '3des' ? tdesDecrypt(kPi, z) : aesDecrypt(kPi, Buffer.alloc(16), z);
  const s = BigInt(`0x${nonce.toString('hex')}`);

  const mapped = await mapNonce(transport, curve, s, random);
  const ephemeral = scalarFrom(curve, random(curve.size));
  const ownPublic = encodePoint(curve, multiply(curve, mapped, ephemeral));
  const chipPublicBytes = await generalAuthenticate(
    transport,
    encodeTlv(0x83, ownPublic),
    false,
    0x84,
    'key agreement',
  );
  const chipPublic = decodePoint(curve, chipPublicBytes);
  if (chipPublicBytes.equals(ownPublic)) authFailed('the chip echoed our public key');
  const shared = toFixedBytes(multiply(curve, chipPublic, ephemeral).x, curve.size);
  const keys = { enc: kdf(shared, 1, info.cipher), mac: kdf(shared, 2, info.cipher) };

  const token = paceToken(info, keys.mac, chipPublicBytes);
  const chipToken = await generalAuthenticate(
    transport,
    encodeTlv(0x85, token),
    true,
    0x86,
    'mutual authentication',
  );
  if (!chipToken.equals(paceToken(info, keys.mac, ownPublic))) authFailed('the chip token does not verify');

  const cipher = info.cipher === '3des' ? tdesCipher(keys) : aesCipher(keys);
  return { sm: new SecureMessaging(cipher, Buffer.alloc(cipher.blockSize)), info };
}

/** Generic mapping: G' = s·G + H, with H the ECDH point shared with the chip. */
async function mapNonce(
  transport: CardTransport,
  curve: Curve,
  s: bigint,
  random: RandomSource,
): Promise<Point> {
  const mapKey = scalarFrom(curve, random(curve.size));
  const ownMapPublic = encodePoint(curve, multiply(curve, curve.g, mapKey));
  const chipMapPublic = decodePoint(
    curve,
    await generalAuthenticate(transport, encodeTlv(0x81, ownMapPublic), false, 0x82, 'mapping'),
  );
  const h = multiply(curve, chipMapPublic, mapKey);
  return addPoints(curve, multiply(curve, curve.g, s), h);
}

/** Reads EF.CardAccess in the clear (it is readable before any authentication); undefined if absent. */
export async function readCardAccess(transport: CardTransport): Promise<Buffer | undefined> {
  const selected = await transmitRaw(
    transport,
    encodeApdu({ cla: 0, ins: 0xa4, p1: 0x02, p2: 0x0c, data: Buffer.from([0x01, 0x1c]) }),
  );
  if (selected.sw !== SW_OK) return undefined;
  const parts: Buffer[] = [];
  let total = Number.POSITIVE_INFINITY;
  for (let offset = 0; offset < total && offset < 0x1000; ) {
    const want = Math.min(0xdf, total === Number.POSITIVE_INFINITY ? 0xdf : total - offset);
    const read = await transmitRaw(
      transport,
      encodeApdu({ cla: 0, ins: 0xb0, p1: offset >> 8, p2: offset & 0xff, le: want }),
    );
    if ((read.sw !== SW_OK && read.sw !== 0x6282) || read.data.length === 0) break;
    parts.push(read.data);
    offset += read.data.length;
    if (total === Number.POSITIVE_INFINITY) {
      const { valueStart, length } = readTlvHeader(Buffer.concat(parts));
      total = valueStart + length;
    }
    if (read.sw === 0x6282) break;
  }
  const data = Buffer.concat(parts);
  return data.length > 0 ? data.subarray(0, Math.min(data.length, total)) : Buffer.alloc(0);
}
