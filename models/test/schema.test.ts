import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { EMOTION_SUBMIT_ACTION, EmotionSubmitParams } from '../src/schema.ts';

const example = {
  id: '5f0c7a0e-2d1b-4c44-9d0e-6a9f3f1f9a21',
  counterId: 'C03',
  ticketId: 't_20261123_A012',
  satisfaction: 0.78,
  confidence: 0.61,
  frames: 9,
  facesFound: 7,
  model: 'face-api-1.7.15/tiny-face-detector+expression/wasm',
  expressions: {
    angry: 0.01,
    disgusted: 0,
    fearful: 0.01,
    happy: 0.55,
    neutral: 0.38,
    sad: 0.04,
    surprised: 0.01,
  },
};

describe('emotion.submit params', () => {
  it('accepts the documented example', () => {
    expect(EMOTION_SUBMIT_ACTION).toBe('emotion.submit');
    expect(Value.Check(EmotionSubmitParams, example)).toBe(true);
    const { expressions: _, ...minimal } = example;
    expect(Value.Check(EmotionSubmitParams, minimal)).toBe(true);
  });

  it('refuses out-of-range scores, missing ids, unknown fields and images', () => {
    expect(Value.Check(EmotionSubmitParams, { ...example, satisfaction: 1.2 })).toBe(false);
    expect(Value.Check(EmotionSubmitParams, { ...example, confidence: -0.1 })).toBe(false);
    expect(Value.Check(EmotionSubmitParams, { ...example, frames: 2.5 })).toBe(false);
    expect(Value.Check(EmotionSubmitParams, { ...example, ticketId: '' })).toBe(false);
    expect(Value.Check(EmotionSubmitParams, { ...example, image: 'base64…' })).toBe(false);
    expect(
      Value.Check(EmotionSubmitParams, { ...example, expressions: { ...example.expressions, contempt: 0 } }),
    ).toBe(false);
  });
});
