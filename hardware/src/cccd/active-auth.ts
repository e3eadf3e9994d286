import { constants, createHash, createPublicKey, type KeyObject, publicDecrypt, verify } from 'node:crypto';
import { type CardTransport, SW_OK, statusError } from './apdu.ts';
import { asBuffer } from './bytes.ts';
import { CccdError } from './errors.ts';
import { sendProtected } from './files.ts';
import type { SecureMessaging } from './secure-messaging.ts';
import { expectTlv } from './tlv.ts';

// Active Authentication (ICAO 9303-11 §6.1): the chip signs a random challenge with the private key
// whose public half is in DG15, proving it is not a copy (passive authentication cannot tell).

function aaFail(en: string, vi: string): never {
  throw new CccdError(
    'active_auth',
    `Xác thực chủ động thất bại: ${vi}`,
    `Active authentication failed: ${en}`,
  );
}

/** DG15: tag 6F around a SubjectPublicKeyInfo. */
export function parseDg15(bytes: Uint8Array): KeyObject {
  const dg15 = expectTlv(bytes, 0x6f, 'DG15');
  try {
    return createPublicKey({ key: dg15.value, format: 'der', type: 'spki' });
  } catch (err) {
    throw new CccdError('data_group', 'DG15: khoá công khai không đọc được', 'DG15: unreadable public key', {
      cause: err,
    });
  }
}

/** ISO/IEC 9796-2 scheme 1 trailers → hash. 0xBC alone means SHA-1. */
const TRAILER_HASH: Record<number, string> = {
  51: 'sha1',
  52: 'sha256',
  53: 'sha512',
  54: 'sha384',
  56: 'sha224',
};

function fromBase64Url(text: string): bigint {
  return BigInt(`0x${Buffer.from(text, 'base64url').toString('hex')}`);
}

function toBytes(value: bigint, length: number): Buffer {
  return Buffer.from(value.toString(16).padStart(length * 2, '0'), 'hex');
}

/** RSA with ISO/IEC 9796-2 digital signature scheme 1 (partial message recovery). */
export function verifyRsaIso9796(key: KeyObject, challenge: Uint8Array, signature: Uint8Array): boolean {
  const jwk = key.export({ format: 'jwk' });
  if (!jwk.n) return false;
  const n = fromBase64Url(jwk.n);
  const k = Math.ceil(n.toString(16).length / 2);
  if (signature.length !== k) return false;
  let rep: Buffer;
  try {
    rep = publicDecrypt({ key, padding: constants.RSA_NO_PADDING }, asBuffer(signature));
  } catch {
    return false;
  }
  // The signer may have sent n − J instead of J; the real J ends in nibble C.
  if ((rep[rep.length - 1]! & 0x0f) !== 0x0c) rep = toBytes(n - BigInt(`0x${rep.toString('hex')}`), k);
  const last = rep[rep.length - 1]!;
  let hash: string | undefined;
  let trailerLength = 1;
  if (last === 0xbc) hash = 'sha1';
  else if (last === 0xcc) {
    hash = TRAILER_HASH[rep[rep.length - 2]!];
    trailerLength = 2;
  }
  if (!hash || (rep[0]! & 0xc0) !== 0x40) return false;
  const hashLength = createHash(hash).digest().length;
  const digest = rep.subarray(rep.length - trailerLength - hashLength, rep.length - trailerLength);
  const recovered = rep.subarray(1, rep.length - trailerLength - hashLength);
  const expected = createHash(hash).update(recovered).update(challenge).digest();
  return expected.equals(digest);
}

/**
 * ECDSA with a plain (r ‖ s) signature. The hash is named in DG14, which this reader does not read;
 * each usual hash is tried, which does not weaken the check (a fresh challenge must be signed).
 */
function verifyEcdsaPlain(key: KeyObject, challenge: Uint8Array, signature: Uint8Array): boolean {
  return ['sha256', 'sha1', 'sha384', 'sha512', 'sha224'].some((hash) => {
    try {
      return verify(hash, challenge, { key, dsaEncoding: 'ieee-p1363' }, signature);
    } catch {
      return false;
    }
  });
}

/** INTERNAL AUTHENTICATE with a fresh 8-byte challenge under secure messaging; throws unless it verifies. */
export async function performActiveAuthentication(
  transport: CardTransport,
  sm: SecureMessaging,
  publicKey: KeyObject,
  challenge: Uint8Array,
): Promise<void> {
  const response = await sendProtected(transport, sm, {
    cla: 0,
    ins: 0x88,
    p1: 0,
    p2: 0,
    data: challenge,
    le: 256,
  });
  if (response.sw !== SW_OK) throw statusError(response.sw, 'INTERNAL AUTHENTICATE');
  const ok =
    publicKey.asymmetricKeyType === 'rsa'
      ? verifyRsaIso9796(publicKey, challenge, response.data)
      : publicKey.asymmetricKeyType === 'ec'
        ? verifyEcdsaPlain(publicKey, challenge, response.data)
        : aaFail(`unsupported key type ${publicKey.asymmetricKeyType}`, 'loại khoá không được hỗ trợ');
  if (!ok)
    aaFail(
      'the chip signature does not verify (possibly a cloned chip)',
      'chữ ký của chip không hợp lệ (có thể là chip sao chép)',
    );
}
