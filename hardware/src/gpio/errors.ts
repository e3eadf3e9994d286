import type { LocalizedText } from '@oss/protocol';

export type GpioErrorCode = 'chip_not_found' | 'bad_pin' | 'unknown_led' | 'onoff_unavailable' | 'io_error';

export class GpioError extends Error {
  constructor(
    readonly code: GpioErrorCode,
    readonly text: LocalizedText,
    options?: { cause?: unknown },
  ) {
    super(text.en, options);
    this.name = 'GpioError';
  }
}

export function gpioError(code: GpioErrorCode, vi: string, en: string, cause?: unknown): GpioError {
  return new GpioError(code, { vi, en }, cause === undefined ? undefined : { cause });
}
