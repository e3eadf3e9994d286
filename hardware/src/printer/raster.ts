import { PNG } from 'pngjs';

/** A 1-bit image packed like ESC/POS raster data: rows of `width / 8` bytes, MSB first, 1 = black dot. */
export interface MonoImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export function bytesPerRow(width: number): number {
  return Math.ceil(width / 8);
}

export function getDot(image: MonoImage, x: number, y: number): boolean {
  const byte = image.data[y * bytesPerRow(image.width) + (x >> 3)] ?? 0;
  return (byte & (0x80 >> (x & 7))) !== 0;
}

/** Grayscale then a fixed threshold (for PNG files: goldens, previews). */
export function rgbaToMono(rgba: Uint8Array, width: number, height: number, threshold = 128): MonoImage {
  const stride = bytesPerRow(width);
  const data = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const alpha = rgba[i + 3]! / 255;
      // Transparent pixels are paper (white).
      const luma =
        (0.299 * rgba[i]! + 0.587 * rgba[i + 1]! + 0.114 * rgba[i + 2]!) * alpha + 255 * (1 - alpha);
      if (luma < threshold) data[y * stride + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  return { width, height, data };
}

export function monoToPng(image: MonoImage): Buffer {
  const png = new PNG({
    width: image.width,
    height: image.height,
    colorType: 0,
    inputColorType: 0,
    bitDepth: 8,
  });
  const gray = Buffer.alloc(image.width * image.height);
  for (let y = 0; y < image.height; y++)
    for (let x = 0; x < image.width; x++) gray[y * image.width + x] = getDot(image, x, y) ? 0 : 255;
  png.data = gray;
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, bitDepth: 8 });
}

export function pngToMono(bytes: Buffer): MonoImage {
  const png = PNG.sync.read(bytes);
  return rgbaToMono(png.data, png.width, png.height);
}

/** Count of dots that differ; images of different sizes differ everywhere. */
export function countDifferentDots(a: MonoImage, b: MonoImage): number {
  if (a.width !== b.width || a.height !== b.height) return Math.max(a.width * a.height, b.width * b.height);
  let diff = 0;
  for (let i = 0; i < a.data.length; i++) {
    let x = a.data[i]! ^ b.data[i]!;
    while (x) {
      diff += x & 1;
      x >>= 1;
    }
  }
  return diff;
}

export function countInk(
  image: MonoImage,
  region?: { x: number; y: number; width: number; height: number },
): number {
  const r = region ?? { x: 0, y: 0, width: image.width, height: image.height };
  let ink = 0;
  for (let y = r.y; y < r.y + r.height; y++)
    for (let x = r.x; x < r.x + r.width; x++) if (getDot(image, x, y)) ink++;
  return ink;
}
