/** Typed errors of the emotion module: a code for programs, a message in Vietnamese and English for people. */
export const EMOTION_ERROR_CODES = [
  'bad_image',
  'unsupported_image',
  'image_too_large',
  'model_load_failed',
  'closed',
  'bad_argument',
] as const;
export type EmotionErrorCode = (typeof EMOTION_ERROR_CODES)[number];

export interface BilingualText {
  vi: string;
  en: string;
}

export class EmotionError extends Error {
  constructor(
    readonly code: EmotionErrorCode,
    readonly text: BilingualText,
    options?: { cause?: unknown },
  ) {
    super(`${text.vi} / ${text.en}`, options);
    this.name = 'EmotionError';
  }
}

export function emotionError(code: EmotionErrorCode, vi: string, en: string, cause?: unknown): EmotionError {
  return new EmotionError(code, { vi, en }, cause === undefined ? undefined : { cause });
}
