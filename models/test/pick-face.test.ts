import { describe, expect, it } from 'vitest';
import { createFaceAnalyzer, faceQuality, pickFace, tightenTinyBox } from '../src/analyzer.ts';

const detection = (score: number, side: number, x = 0) => ({
  score,
  box: { x, y: 0, width: side, height: side },
});

describe('pickFace', () => {
  it('takes the largest confident face, not a larger weak box', () => {
    const citizen = detection(0.9, 150, 100);
    const passerBy = detection(0.8, 60, 400);
    const junk = detection(0.35, 400);
    expect(pickFace([passerBy, junk, citizen], 0.5)).toBe(citizen);
  });

  it('falls back to the best weak box (to report it as rejected), or nothing', () => {
    const weak = [detection(0.31, 300), detection(0.45, 80)];
    expect(pickFace(weak, 0.5)?.score).toBe(0.45);
    expect(pickFace([], 0.5)).toBeUndefined();
  });
});

describe('face quality and Tiny box correction', () => {
  it('rates small or weak faces lower', () => {
    const box = (side: number) => ({ x: 0, y: 0, width: side, height: side });
    expect(faceQuality(0.9, box(150))).toBeCloseTo(0.9);
    expect(faceQuality(0.9, box(56))).toBeCloseTo(0.45);
    expect(faceQuality(0.5, box(150))).toBeLessThan(faceQuality(0.9, box(150)));
  });

  it('narrows the Tiny box and moves it up, keeping it inside the original', () => {
    const tiny = { x: 100, y: 100, width: 200, height: 200 };
    const tight = tightenTinyBox(tiny);
    expect(tight.width).toBeLessThan(tiny.width);
    expect(tight.y).toBeLessThan(tiny.y);
    expect(tight.x).toBeGreaterThan(tiny.x);
    expect(tight.x + tight.width).toBeLessThan(tiny.x + tiny.width);
  });
});

describe('analyzer options', () => {
  it('refuses invalid options before loading anything', async () => {
    for (const bad of [
      { tinyInputSize: 300 },
      { minDetectionScore: 1.5 },
      { minFaceSize: Number.NaN },
      { maxInputSide: 10 },
    ]) {
      await expect(createFaceAnalyzer(bad)).rejects.toMatchObject({ code: 'bad_argument' });
    }
  });
});
