/** Decoding camera frames (JPEG, PNG) into RGB pixels in memory. Nothing here touches the disk. */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { emotionError } from './errors.ts';

export interface RgbImage {
  width: number;
  height: number;
  /** width × height × 3 bytes, row-major RGB. */
  data: Uint8Array;
}

export type ImageFormat = 'jpeg' | 'png';

/** Frames above this are refused: a counter camera sends ≤ 1920×1080; bigger is a bug or an attack. */
export const MAX_IMAGE_PIXELS = 4096 * 4096;

export function sniffFormat(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'png';
  return null;
}

export function decodeImage(bytes: Uint8Array): RgbImage {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) {
    throw emotionError('bad_image', 'Ảnh rỗng', 'Empty image');
  }
  const format = sniffFormat(bytes);
  if (format === 'jpeg') return decodeJpeg(bytes);
  if (format === 'png') return decodePng(bytes);
  throw emotionError(
    'unsupported_image',
    'Chỉ nhận ảnh JPEG hoặc PNG',
    'Only JPEG or PNG images are accepted',
  );
}

function decodeJpeg(bytes: Uint8Array): RgbImage {
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
      maxMemoryUsageInMB: 256,
    });
  } catch (cause) {
    throw asDecodeError(cause, 'JPEG');
  }
  return fromRgba(decoded.width, decoded.height, decoded.data);
}

function decodePng(bytes: Uint8Array): RgbImage {
  const { width, height } = readPngSize(bytes);
  if (width * height > MAX_IMAGE_PIXELS) throw tooLarge(width, height);
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (cause) {
    throw asDecodeError(cause, 'PNG');
  }
  return fromRgba(decoded.width, decoded.height, decoded.data);
}

/** The IHDR chunk always follows the signature, so the size is known before inflating anything. */
function readPngSize(bytes: Uint8Array): { width: number; height: number } {
  if (bytes.length < 24) throw emotionError('bad_image', 'Tệp PNG bị cắt cụt', 'Truncated PNG file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function fromRgba(width: number, height: number, rgba: Uint8Array): RgbImage {
  if (!(width > 0 && height > 0) || rgba.length < width * height * 4) {
    throw emotionError('bad_image', 'Ảnh không có điểm ảnh hợp lệ', 'Image has no valid pixels');
  }
  const data = new Uint8Array(width * height * 3);
  for (let src = 0, dst = 0; dst < data.length; src += 4, dst += 3) {
    data[dst] = rgba[src]!;
    data[dst + 1] = rgba[src + 1]!;
    data[dst + 2] = rgba[src + 2]!;
  }
  return { width, height, data };
}

function tooLarge(width: number, height: number) {
  return emotionError(
    'image_too_large',
    `Ảnh quá lớn (${width}×${height})`,
    `Image too large (${width}×${height})`,
  );
}

function asDecodeError(cause: unknown, kind: string) {
  const detail = cause instanceof Error ? cause.message : String(cause);
  if (/maxResolutionInMP|maxMemoryUsageInMB|memory/i.test(detail)) {
    return emotionError('image_too_large', `Ảnh ${kind} quá lớn`, `${kind} image too large`, cause);
  }
  return emotionError(
    'bad_image',
    `Không giải mã được ảnh ${kind}`,
    `Cannot decode ${kind} image: ${detail}`,
    cause,
  );
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Cuts `rect` (clamped to the image) out of `image` and scales it to width × height (area average). */
export function cropAndResize(image: RgbImage, rect: Rect, width: number, height: number): RgbImage {
  const x0 = Math.max(0, Math.floor(rect.x));
  const y0 = Math.max(0, Math.floor(rect.y));
  const x1 = Math.min(image.width, Math.ceil(rect.x + rect.width));
  const y1 = Math.min(image.height, Math.ceil(rect.y + rect.height));
  if (x1 <= x0 || y1 <= y0 || width < 1 || height < 1) {
    throw emotionError('bad_argument', 'Vùng cắt nằm ngoài ảnh', 'Crop rectangle is outside the image');
  }
  const data = new Uint8Array(width * height * 3);
  const sx = (x1 - x0) / width;
  const sy = (y1 - y0) / height;
  for (let y = 0; y < height; y++) {
    const ya = y0 + Math.floor(y * sy);
    const yb = Math.max(ya + 1, y0 + Math.floor((y + 1) * sy));
    for (let x = 0; x < width; x++) {
      const xa = x0 + Math.floor(x * sx);
      const xb = Math.max(xa + 1, x0 + Math.floor((x + 1) * sx));
      averageInto(image, xa, xb, ya, yb, data, (y * width + x) * 3);
    }
  }
  return { width, height, data };
}

function averageInto(
  image: RgbImage,
  xa: number,
  xb: number,
  ya: number,
  yb: number,
  out: Uint8Array,
  at: number,
) {
  let r = 0;
  let g = 0;
  let b = 0;
  for (let y = ya; y < yb; y++) {
    for (let x = xa; x < xb; x++) {
      const i = (y * image.width + x) * 3;
      r += image.data[i]!;
      g += image.data[i + 1]!;
      b += image.data[i + 2]!;
    }
  }
  const n = (xb - xa) * (yb - ya);
  out[at] = Math.round(r / n);
  out[at + 1] = Math.round(g / n);
  out[at + 2] = Math.round(b / n);
}

export function encodeJpeg(image: RgbImage, quality = 85): Uint8Array {
  return jpeg.encode({ width: image.width, height: image.height, data: toRgba(image) }, quality).data;
}

export function encodePng(image: RgbImage): Uint8Array {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(toRgba(image));
  return PNG.sync.write(png);
}

function toRgba(image: RgbImage): Buffer {
  const rgba = Buffer.alloc(image.width * image.height * 4, 255);
  for (let src = 0, dst = 0; src < image.data.length; src += 3, dst += 4) {
    rgba[dst] = image.data[src]!;
    rgba[dst + 1] = image.data[src + 1]!;
    rgba[dst + 2] = image.data[src + 2]!;
  }
  return rgba;
}
