import { asBuffer } from './bytes.ts';
import { CccdError } from './errors.ts';

/** Moves raw APDU bytes to a card and back. Implemented by the PC/SC driver and the simulator. */
export interface CardTransport {
  /** Sends one command APDU; resolves with the response data followed by SW1 SW2. */
  transmit(command: Uint8Array): Promise<Uint8Array>;
}

export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data?: Uint8Array;
  /** Expected response length, 1–256 (256 is sent as 00); absent for no response data. */
  le?: number;
}

export interface ResponseApdu {
  data: Buffer;
  sw: number;
}

export const SW_OK = 0x9000;

/** Short-length encoding (ISO 7816-4 case 1–4), which is all BAC and 3DES secure messaging use. */
export function encodeApdu(apdu: CommandApdu): Buffer {
  const parts: number[] = [apdu.cla, apdu.ins, apdu.p1, apdu.p2];
  const data = apdu.data ?? new Uint8Array(0);
  if (data.length > 255) throw new RangeError('APDU data longer than 255 bytes');
  if (data.length > 0) parts.push(data.length, ...data);
  if (apdu.le !== undefined) {
    if (apdu.le < 1 || apdu.le > 256) throw new RangeError('Le must be 1–256');
    parts.push(apdu.le & 0xff);
  }
  return Buffer.from(parts);
}

export function splitResponse(bytes: Uint8Array): ResponseApdu {
  if (bytes.length < 2) {
    throw new CccdError('transport', 'Thẻ trả lời quá ngắn', 'The card answer is shorter than a status word');
  }
  const buf = asBuffer(bytes);
  return { data: buf.subarray(0, buf.length - 2), sw: buf.readUInt16BE(buf.length - 2) };
}

export function swHex(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, '0');
}

/** One exchange; a failing reader or a non-byte answer becomes a typed error. */
async function exchange(transport: CardTransport, command: Uint8Array): Promise<ResponseApdu> {
  let answer: Uint8Array;
  try {
    answer = await transport.transmit(command);
  } catch (err) {
    if (err instanceof CccdError) throw err;
    throw new CccdError('transport', 'Mất kết nối với thẻ', 'Lost the connection to the card', {
      cause: err,
    });
  }
  if (!(answer instanceof Uint8Array)) {
    throw new CccdError(
      'transport',
      'Đầu đọc trả về dữ liệu sai kiểu',
      'The reader returned a non-byte answer',
    );
  }
  return splitResponse(answer);
}

/**
 * Sends a command and completes T=0 leftovers: 61xx → GET RESPONSE for xx bytes; 6Cxx → resend
 * with Le = xx.
 */
export async function transmitRaw(transport: CardTransport, command: Uint8Array): Promise<ResponseApdu> {
  let response = await exchange(transport, command);
  const chunks: Buffer[] = [];
  for (let rounds = 0; rounds < 64; rounds++) {
    const sw1 = response.sw >> 8;
    const sw2 = response.sw & 0xff;
    if (sw1 === 0x61) {
      chunks.push(response.data);
      response = await exchange(transport, Buffer.from([0x00, 0xc0, 0x00, 0x00, sw2]));
    } else if (sw1 === 0x6c && rounds === 0) {
      const again = Buffer.from(command);
      again[again.length - 1] = sw2;
      response = await exchange(transport, again);
    } else {
      return { data: Buffer.concat([...chunks, response.data]), sw: response.sw };
    }
  }
  throw new CccdError('transport', 'Thẻ trả lời không dứt', 'The card kept asking for GET RESPONSE');
}

/** The typed error for a status word that is not 9000. `what` names the step, without personal data. */
export function statusError(sw: number, what: string): CccdError {
  if (sw === 0x6a82 || sw === 0x6a88) {
    return new CccdError('not_found', `Không tìm thấy ${what} trên thẻ`, `${what}: not found on the card`);
  }
  if (sw === 0x6982 || sw === 0x6988 || sw === 0x6987) {
    return new CccdError(
      'secure_messaging',
      `Thẻ từ chối ${what}: phiên bảo mật không hợp lệ (SW ${swHex(sw)})`,
      `${what}: the card rejected the secure session (SW ${swHex(sw)})`,
    );
  }
  return new CccdError(
    'card_status',
    `Thẻ báo lỗi khi ${what} (SW ${swHex(sw)})`,
    `${what}: the card answered SW ${swHex(sw)}`,
  );
}
