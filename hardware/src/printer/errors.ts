import type { LocalizedText } from '@oss/protocol';

export type PrinterErrorCode =
  | 'invalid_ticket'
  | 'paper_out'
  | 'cover_open'
  | 'offline'
  | 'printer_error'
  | 'bad_status'
  | 'timeout'
  | 'transport'
  | 'bad_escpos';

/** Every printer failure: a code the agent can act on and a message in Vietnamese and English. */
export class PrinterError extends Error {
  constructor(
    readonly code: PrinterErrorCode,
    readonly text: LocalizedText,
    options?: { cause?: unknown },
  ) {
    super(text.en, options);
    this.name = 'PrinterError';
  }
}

export function printerError(code: PrinterErrorCode, vi: string, en: string, cause?: unknown): PrinterError {
  return new PrinterError(code, { vi, en }, cause === undefined ? undefined : { cause });
}
