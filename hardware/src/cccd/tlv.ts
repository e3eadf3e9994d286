import { asBuffer } from './bytes.ts';
import { CccdError } from './errors.ts';

/** One BER-TLV element. `tag` holds the tag bytes as a number (e.g. 0x5F1F, 0x7F61). */
export interface Tlv {
  tag: number;
  constructed: boolean;
  value: Buffer;
  /** The whole element (tag, length and value), as found. */
  raw: Buffer;
}

function malformed(en: string): never {
  throw new CccdError('tlv', `Dữ liệu thẻ sai cấu trúc TLV: ${en}`, `Malformed TLV: ${en}`);
}

/** Reads the header of the element at `offset`: tag, and where its value starts and ends. */
export function readTlvHeader(
  data: Uint8Array,
  offset = 0,
): { tag: number; valueStart: number; length: number } {
  let pos = offset;
  if (pos >= data.length) malformed('missing tag');
  const first = data[pos++]!;
  let tag = first;
  if ((first & 0x1f) === 0x1f) {
    let more = true;
    let tagBytes = 1;
    while (more) {
      if (pos >= data.length) malformed('truncated tag');
      const b = data[pos++]!;
      tag = tag * 256 + b;
      more = (b & 0x80) !== 0;
      if (++tagBytes > 3) malformed('tag longer than 3 bytes');
    }
  }
  if (pos >= data.length) malformed('missing length');
  const lenByte = data[pos++]!;
  let length = lenByte;
  if (lenByte === 0x80) malformed('indefinite length is not allowed');
  if (lenByte > 0x80) {
    const count = lenByte & 0x7f;
    if (count > 4) malformed('length field longer than 4 bytes');
    if (pos + count > data.length) malformed('truncated length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + data[pos++]!;
  }
  return { tag, valueStart: pos, length };
}

/** Parses the element at `offset`; throws a typed error if it runs past the end of `data`. */
export function readTlv(data: Uint8Array, offset = 0): Tlv {
  const buf = asBuffer(data);
  const { tag, valueStart, length } = readTlvHeader(buf, offset);
  const end = valueStart + length;
  if (end > buf.length) malformed(`value of tag ${tag.toString(16)} runs past the end`);
  const firstTagByte = buf[offset]!;
  return {
    tag,
    constructed: (firstTagByte & 0x20) !== 0,
    value: buf.subarray(valueStart, end),
    raw: buf.subarray(offset, end),
  };
}

/** All consecutive elements in `data` (e.g. the children of a constructed element). */
export function parseTlvs(data: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let offset = 0;
  while (offset < data.length) {
    const tlv = readTlv(data, offset);
    out.push(tlv);
    offset += tlv.raw.length;
  }
  return out;
}

/** The first direct child with `tag`, or undefined. */
export function findChild(data: Uint8Array, tag: number): Tlv | undefined {
  return parseTlvs(data).find((t) => t.tag === tag);
}

/** Like findChild, but a missing element is a typed error naming `what`. */
export function requireChild(data: Uint8Array, tag: number, what: string): Tlv {
  const found = findChild(data, tag);
  if (!found) malformed(`missing ${what} (tag ${tag.toString(16).toUpperCase()})`);
  return found;
}

/** Expects exactly one element with `tag` filling `data`, and returns it. */
export function expectTlv(data: Uint8Array, tag: number, what: string): Tlv {
  const tlv = readTlv(data, 0);
  if (tlv.tag !== tag) malformed(`${what}: expected tag ${tag.toString(16).toUpperCase()}`);
  return tlv;
}

export function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function encodeTag(tag: number): Buffer {
  const bytes: number[] = [];
  for (let t = tag; t > 0 || bytes.length === 0; t = Math.floor(t / 256)) bytes.unshift(t & 0xff);
  return Buffer.from(bytes);
}

/** Encodes one element; `value` may be a list of already encoded children. */
export function encodeTlv(tag: number, value: Uint8Array | readonly Uint8Array[]): Buffer {
  const body = value instanceof Uint8Array ? asBuffer(value) : Buffer.concat(value);
  return Buffer.concat([encodeTag(tag), encodeLength(body.length), body]);
}
