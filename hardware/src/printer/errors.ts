import { errorFactory, HardwareError } from '../errors.ts';

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
export class PrinterError extends HardwareError<PrinterErrorCode> {
  override readonly name = 'PrinterError';
}

export const printerError = errorFactory(PrinterError);
