import type { LocalizedText } from '@oss/protocol';

export type ScannerErrorCode =
  | 'invalid_utf8'
  | 'line_too_long'
  | 'binary_noise'
  | 'unknown_key'
  | 'bad_report'
  | 'hid_unavailable'
  | 'device_error';

/**
 * A scan that could not be read, or a device that failed. Messages never contain scanned content:
 * a CCCD QR code carries an ID number and a name.
 */
export class ScannerError extends Error {
  constructor(
    readonly code: ScannerErrorCode,
    readonly text: LocalizedText,
    options?: { cause?: unknown },
  ) {
    super(text.en, options);
    this.name = 'ScannerError';
  }
}

export function scannerError(code: ScannerErrorCode, vi: string, en: string, cause?: unknown): ScannerError {
  return new ScannerError(code, { vi, en }, cause === undefined ? undefined : { cause });
}

export function deviceError(cause: unknown): ScannerError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return scannerError('device_error', `Lỗi máy quét (${detail})`, `Scanner device error (${detail})`, cause);
}
