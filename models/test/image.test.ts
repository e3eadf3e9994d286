import { describe, expect, it } from 'vitest';
import { EmotionError } from '../src/errors.ts';
import { cropAndResize, decodeImage, encodeJpeg, encodePng, type RgbImage } from '../src/image.ts';

function gradient(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set([i % 256, (i >> 3) % 256, 128], i * 3);
  return { width, height, data };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EmotionError);
    return (error as EmotionError).code;
  }
  throw new Error('did not throw');
}

describe('decodeImage', () => {
  it('decodes PNG exactly and JPEG approximately', () => {
    const image = gradient(40, 30);
    expect(decodeImage(encodePng(image))).toEqual(image);
    const jpeg = decodeImage(encodeJpeg(image, 95));
    expect([jpeg.width, jpeg.height]).toEqual([40, 30]);
    const meanError =
      jpeg.data.reduce((acc, v, i) => acc + Math.abs(v - image.data[i]!), 0) / jpeg.data.length;
    expect(meanError).toBeLessThan(12);
  });

  it('refuses bytes that are not an image with a typed error', () => {
    expect(codeOf(() => decodeImage(new Uint8Array()))).toBe('bad_image');
    expect(codeOf(() => decodeImage(new TextEncoder().encode('hello, not a picture')))).toBe(
      'unsupported_image',
    );
  });

  it('refuses corrupt and truncated JPEG and PNG with a typed error', () => {
    const jpeg = encodeJpeg(gradient(64, 48));
    expect(codeOf(() => decodeImage(jpeg.subarray(0, 200)))).toBe('bad_image');
    expect(codeOf(() => decodeImage(Uint8Array.from([0xff, 0xd8, 0xff, 1, 2, 3, 4])))).toBe('bad_image');
    const png = encodePng(gradient(64, 48));
    expect(codeOf(() => decodeImage(png.subarray(0, 60)))).toBe('bad_image');
    const garbled = Uint8Array.from(png);
    garbled.fill(7, 40, 90);
    expect(codeOf(() => decodeImage(garbled))).toBe('bad_image');
  });

  it('refuses images too large to be a camera frame before decoding them', () => {
    const png = Uint8Array.from(encodePng(gradient(8, 8)));
    new DataView(png.buffer).setUint32(16, 100_000);
    new DataView(png.buffer).setUint32(20, 100_000);
    expect(codeOf(() => decodeImage(png))).toBe('image_too_large');
  });
});

describe('cropAndResize', () => {
  it('averages areas and refuses rectangles outside the image', () => {
    const flat: RgbImage = { width: 4, height: 4, data: new Uint8Array(48).fill(200) };
    const out = cropAndResize(flat, { x: 0, y: 0, width: 4, height: 4 }, 2, 2);
    expect([...out.data]).toEqual(new Array(12).fill(200));
    expect(codeOf(() => cropAndResize(flat, { x: 10, y: 10, width: 2, height: 2 }, 2, 2))).toBe(
      'bad_argument',
    );
  });
});
