import { randomBytes } from 'node:crypto';
import { type CardTransport, encodeApdu, SW_OK, statusError, transmitRaw } from './apdu.ts';
import { asBuffer, xor } from './bytes.ts';
import { deriveKeys, macEquals, retailMac, sha1, tdesDecrypt, tdesEncrypt } from './crypto.ts';
import { CccdError } from './errors.ts';
import { type BacAccessKey, mrzInformation } from './mrz.ts';
import { SecureMessaging } from './secure-messaging.ts';
import { tdesCipher } from './sm-cipher.ts';

/** Source of the reader's random values; injectable so tests can replay ICAO's worked example. */
export type RandomSource = (length: number) => Buffer;

/** K_seed → (K_enc, K_mac) from the MRZ information (ICAO 9303-11 §9.7). */
export function bacKeys(key: BacAccessKey) {
  const seed = sha1(Buffer.from(mrzInformation(key), 'ascii')).subarray(0, 16);
  return deriveKeys(seed);
}

function authFailed(): never {
  throw new CccdError(
    'auth_failed',
    'Thẻ không chấp nhận khoá truy cập: kiểm tra số CCCD, ngày sinh và ngày hết hạn',
    'The card refused the access key: check the ID number, birth date and expiry date',
  );
}

/**
 * Basic Access Control: GET CHALLENGE, EXTERNAL AUTHENTICATE, session keys and SSC.
 * The applet must already be selected.
 */
export async function performBac(
  transport: CardTransport,
  key: BacAccessKey,
  random: RandomSource = randomBytes,
): Promise<SecureMessaging> {
  const { enc, mac } = bacKeys(key);
  const challenge = await transmitRaw(transport, encodeApdu({ cla: 0, ins: 0x84, p1: 0, p2: 0, le: 8 }));
  if (challenge.sw !== SW_OK) throw statusError(challenge.sw, 'GET CHALLENGE');
  if (challenge.data.length !== 8) {
    throw new CccdError('auth_failed', 'Thẻ trả thử thách sai độ dài', 'The card challenge is not 8 bytes');
  }
  const rndIc = challenge.data;
  const rndIfd = asBuffer(random(8));
  const kIfd = asBuffer(random(16));
  const eIfd = tdesEncrypt(enc, Buffer.concat([rndIfd, rndIc, kIfd]));
  const mIfd = retailMac(mac, eIfd);
  const answer = await transmitRaw(
    transport,
    encodeApdu({ cla: 0, ins: 0x82, p1: 0, p2: 0, data: Buffer.concat([eIfd, mIfd]), le: 40 }),
  );
  // 6300 / 6982 are how chips say "wrong key"; anything else is a different failure.
  if (answer.sw === 0x6300 || answer.sw === 0x6982) authFailed();
  if (answer.sw !== SW_OK) throw statusError(answer.sw, 'EXTERNAL AUTHENTICATE');
  if (answer.data.length !== 40) authFailed();
  const eIc = answer.data.subarray(0, 32);
  if (!macEquals(retailMac(mac, eIc), answer.data.subarray(32))) authFailed();
  const plain = tdesDecrypt(enc, eIc);
  if (!plain.subarray(0, 8).equals(rndIc) || !plain.subarray(8, 16).equals(rndIfd)) authFailed();
  const kIc = plain.subarray(16, 32);
  const session = deriveKeys(xor(kIfd, kIc));
  const ssc = Buffer.concat([rndIc.subarray(4), rndIfd.subarray(4)]);
  return new SecureMessaging(tdesCipher(session), ssc);
}
