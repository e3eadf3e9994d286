import {
  type CardTransport,
  type CommandApdu,
  type ResponseApdu,
  SW_OK,
  statusError,
  transmitRaw,
} from './apdu.ts';
import { CccdError } from './errors.ts';
import type { SecureMessaging } from './secure-messaging.ts';
import { readTlvHeader } from './tlv.ts';

/** Elementary files of the eMRTD applet (ICAO 9303-10). */
export const EF = {
  COM: 0x011e,
  SOD: 0x011d,
  CardAccess: 0x011c,
  DG1: 0x0101,
  DG2: 0x0102,
  DG13: 0x010d,
  DG14: 0x010e,
  DG15: 0x010f,
} as const;

/** The file of data group n (1–16). */
export function dataGroupFileId(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 16) throw new RangeError('data group number must be 1–16');
  return 0x0100 + n;
}

/** Largest READ BINARY under 3DES secure messaging whose protected answer still fits 256 bytes. */
export const DEFAULT_READ_CHUNK = 0xdf;
const MAX_SHORT_OFFSET = 0x7fff;

export async function sendProtected(
  transport: CardTransport,
  sm: SecureMessaging,
  apdu: CommandApdu,
): Promise<ResponseApdu> {
  const answer = await transmitRaw(transport, sm.wrap(apdu));
  return sm.unwrap(Buffer.concat([answer.data, Buffer.from([answer.sw >> 8, answer.sw & 0xff])]));
}

async function readBinary(
  transport: CardTransport,
  sm: SecureMessaging,
  offset: number,
  length: number,
  what: string,
): Promise<Buffer> {
  const response = await sendProtected(transport, sm, {
    cla: 0,
    ins: 0xb0,
    p1: offset >> 8,
    p2: offset & 0xff,
    le: length,
  });
  // 6282: end of file reached before Le bytes; the data returned is still good.
  if (response.sw !== SW_OK && response.sw !== 0x6282) throw statusError(response.sw, what);
  return response.data;
}

/**
 * Selects an EF under the applet and reads it whole under secure messaging: the first 4 bytes
 * give the TLV length, then the rest in chunks.
 */
export async function readElementaryFile(
  transport: CardTransport,
  sm: SecureMessaging,
  fileId: number,
  what: string,
  chunk = DEFAULT_READ_CHUNK,
): Promise<Buffer> {
  const selected = await sendProtected(transport, sm, {
    cla: 0,
    ins: 0xa4,
    p1: 0x02,
    p2: 0x0c,
    data: Buffer.from([fileId >> 8, fileId & 0xff]),
  });
  if (selected.sw !== SW_OK) throw statusError(selected.sw, what);
  const head = await readBinary(transport, sm, 0, 4, what);
  if (head.length === 0) throw new CccdError('data_group', `${what} rỗng`, `${what} is empty`);
  const { valueStart, length } = readTlvHeader(head);
  const total = valueStart + length;
  if (total > MAX_SHORT_OFFSET + chunk) {
    throw new CccdError('data_group', `${what} quá lớn`, `${what} is larger than this reader supports`);
  }
  const parts = [head.subarray(0, Math.min(head.length, total))];
  let offset = parts[0]!.length;
  while (offset < total) {
    const got = await readBinary(transport, sm, offset, Math.min(chunk, total - offset), what);
    if (got.length === 0) {
      throw new CccdError('data_group', `${what} bị cắt ngắn`, `${what} ended before its stated length`);
    }
    parts.push(got);
    offset += got.length;
  }
  return Buffer.concat(parts).subarray(0, total);
}
