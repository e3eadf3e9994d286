import { printerError } from './errors.ts';
import { bytesPerRow, type MonoImage } from './raster.ts';

const ESC = 0x1b;
const GS = 0x1d;
const DLE = 0x10;
const EOT = 0x04;

export type CutMode = 'partial' | 'full' | 'none';

export interface EncodeOptions {
  /** Rows per `GS v 0` band: cheap printers have small buffers and drop huge images. */
  bandHeight?: number;
  /** Lines fed before the cut, so the ticket clears the cutter. */
  feedLines?: number;
  cut?: CutMode;
}

/** `ESC @`, the image as `GS v 0` bands, `ESC d n`, `GS V m`. */
export function encodeRasterJob(image: MonoImage, options: EncodeOptions = {}): Uint8Array {
  const bandHeight = options.bandHeight ?? 128;
  const feedLines = options.feedLines ?? 4;
  const cut = options.cut ?? 'partial';
  if (bandHeight < 1 || bandHeight > 0xffff) throw new RangeError('bandHeight must be 1..65535');
  const stride = bytesPerRow(image.width);
  const chunks: Uint8Array[] = [Uint8Array.of(ESC, 0x40)];
  for (let top = 0; top < image.height; top += bandHeight) {
    const rows = Math.min(bandHeight, image.height - top);
    chunks.push(Uint8Array.of(GS, 0x76, 0x30, 0x00, stride & 0xff, stride >> 8, rows & 0xff, rows >> 8));
    chunks.push(image.data.subarray(top * stride, (top + rows) * stride));
  }
  if (feedLines > 0) chunks.push(Uint8Array.of(ESC, 0x64, feedLines));
  if (cut !== 'none') chunks.push(Uint8Array.of(GS, 0x56, cut === 'full' ? 0 : 1));
  return concat(chunks);
}

/** `DLE EOT n`: real-time status request, n = 1 printer, 2 offline cause, 3 error cause, 4 paper sensor. */
export function statusRequest(n: 1 | 2 | 3 | 4): Uint8Array {
  return Uint8Array.of(DLE, EOT, n);
}

export interface DecodedJob {
  image: MonoImage;
  bands: number;
  inits: number;
  fedLines: number;
  cuts: CutMode[];
  statusRequests: number[];
}

/**
 * Reads back the commands this driver emits (used by tests and the simulator's preview). Anything
 * else is an error naming the offset, so an encoder bug cannot pass silently.
 */
export function decodeEscPos(bytes: Uint8Array): DecodedJob {
  const job: DecodedJob = {
    image: { width: 0, height: 0, data: new Uint8Array() },
    bands: 0,
    inits: 0,
    fedLines: 0,
    cuts: [],
    statusRequests: [],
  };
  const rows: Uint8Array[] = [];
  let stride = -1;
  let i = 0;
  const need = (n: number) => {
    if (i + n > bytes.length)
      throw printerError(
        'bad_escpos',
        `Lệnh ESC/POS bị cắt cụt tại byte ${i}`,
        `Truncated ESC/POS command at byte ${i}`,
      );
  };
  while (i < bytes.length) {
    const b0 = bytes[i]!;
    const b1 = bytes[i + 1];
    if (b0 === ESC && b1 === 0x40) {
      job.inits++;
      i += 2;
    } else if (b0 === ESC && b1 === 0x64) {
      need(3);
      job.fedLines += bytes[i + 2]!;
      i += 3;
    } else if (b0 === GS && b1 === 0x56) {
      need(3);
      job.cuts.push(bytes[i + 2] === 0 || bytes[i + 2] === 0x30 ? 'full' : 'partial');
      i += 3;
    } else if (b0 === DLE && b1 === EOT) {
      need(3);
      job.statusRequests.push(bytes[i + 2]!);
      i += 3;
    } else if (b0 === GS && b1 === 0x76 && bytes[i + 2] === 0x30) {
      need(8);
      if (bytes[i + 3] !== 0)
        throw printerError(
          'bad_escpos',
          `Chế độ phóng to ảnh ${bytes[i + 3]} không hỗ trợ tại byte ${i}`,
          `Unsupported raster scaling mode ${bytes[i + 3]} at byte ${i}`,
        );
      const x = bytes[i + 4]! | (bytes[i + 5]! << 8);
      const y = bytes[i + 6]! | (bytes[i + 7]! << 8);
      if (stride !== -1 && x !== stride)
        throw printerError(
          'bad_escpos',
          `Độ rộng ảnh thay đổi tại byte ${i}`,
          `Raster width changes at byte ${i}`,
        );
      stride = x;
      i += 8;
      need(x * y);
      rows.push(bytes.subarray(i, i + x * y));
      i += x * y;
      job.bands++;
    } else {
      throw printerError(
        'bad_escpos',
        `Lệnh ESC/POS không hỗ trợ 0x${b0.toString(16)} tại byte ${i}`,
        `Unsupported ESC/POS byte 0x${b0.toString(16)} at byte ${i}`,
      );
    }
  }
  if (stride > 0) {
    const data = concat(rows);
    job.image = { width: stride * 8, height: data.length / stride, data };
  }
  return job;
}

export function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
