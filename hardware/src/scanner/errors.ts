import { errorFactory, HardwareError } from '../errors.ts';

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
export class ScannerError extends HardwareError<ScannerErrorCode> {
  override readonly name = 'ScannerError';
}

export const scannerError = errorFactory(ScannerError);

export function deviceError(cause: unknown): ScannerError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return scannerError('device_error', `Lỗi máy quét (${detail})`, `Scanner device error (${detail})`, cause);
}
