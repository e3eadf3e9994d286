import type { CommandApdu, ResponseApdu } from './apdu.ts';
import { splitResponse } from './apdu.ts';
import { macEquals, padTo } from './crypto.ts';
import { CccdError } from './errors.ts';
import { SendSequenceCounter, type SmCipher } from './sm-cipher.ts';
import { encodeTlv, parseTlvs, type Tlv } from './tlv.ts';

function smError(en: string, vi: string): never {
  throw new CccdError('secure_messaging', vi, en);
}

/** ICAO 9303-11 secure messaging, reader side: 3DES after BAC, AES after PACE. */
export class SecureMessaging {
  private readonly ssc: SendSequenceCounter;

  constructor(
    private readonly cipher: SmCipher,
    ssc: Uint8Array,
  ) {
    this.ssc = new SendSequenceCounter(ssc, cipher.blockSize);
  }

  private nextSsc(): Buffer {
    return this.ssc.next();
  }

  /** Protects a plain command: DO'87' for data, DO'97' for Le, DO'8E' MAC. */
  wrap(apdu: CommandApdu): Buffer {
    const ssc = this.nextSsc();
    const header = Buffer.from([apdu.cla | 0x0c, apdu.ins, apdu.p1, apdu.p2]);
    const do87 =
      apdu.data && apdu.data.length > 0
        ? encodeTlv(0x87, Buffer.concat([Buffer.from([0x01]), this.cipher.encrypt(apdu.data, ssc)]))
        : Buffer.alloc(0);
    const do97 = apdu.le !== undefined ? encodeTlv(0x97, Buffer.from([apdu.le & 0xff])) : Buffer.alloc(0);
    const mac = this.cipher.mac(Buffer.concat([ssc, padTo(header, this.cipher.blockSize), do87, do97]));
    const body = Buffer.concat([do87, do97, encodeTlv(0x8e, mac)]);
    if (body.length > 255) throw new RangeError('Protected command too long for short APDU');
    return Buffer.concat([header, Buffer.from([body.length]), body, Buffer.from([0x00])]);
  }

  /**
   * Checks and opens a protected response. A bare error status without MAC (how cards report a
   * broken session) is passed through so the caller can raise the matching error; a success
   * status always needs a valid MAC.
   */
  unwrap(answer: Uint8Array): ResponseApdu {
    const outer = splitResponse(answer);
    const ssc = this.nextSsc();
    if (outer.data.length === 0) {
      if (outer.sw === 0x9000) smError('response without MAC', 'Phản hồi của thẻ thiếu mã xác thực');
      return outer;
    }
    let do87: Tlv | undefined;
    let do99: Buffer | undefined;
    let do8e: Buffer | undefined;
    for (const tlv of parseTlvs(outer.data)) {
      if (tlv.tag === 0x87) do87 = tlv;
      else if (tlv.tag === 0x99) do99 = tlv.raw;
      else if (tlv.tag === 0x8e) do8e = tlv.value;
      else smError('unexpected data object in response', 'Phản hồi của thẻ có trường lạ');
    }
    if (!do8e) smError('response without MAC', 'Phản hồi của thẻ thiếu mã xác thực');
    const macInput = Buffer.concat([ssc, do87?.raw ?? Buffer.alloc(0), do99 ?? Buffer.alloc(0)]);
    if (!macEquals(this.cipher.mac(macInput), do8e)) {
      smError('response MAC does not verify', 'Mã xác thực phản hồi của thẻ không khớp');
    }
    const sw = do99 && do99.length === 4 ? do99.readUInt16BE(2) : outer.sw;
    if (!do87) return { data: Buffer.alloc(0), sw };
    const value = do87.value;
    if (value[0] !== 0x01 || (value.length - 1) % this.cipher.blockSize !== 0 || value.length === 1) {
      smError('encrypted data object is malformed', 'Dữ liệu mã hoá của thẻ sai cấu trúc');
    }
    return { data: this.cipher.decrypt(value.subarray(1), ssc), sw };
  }
}
