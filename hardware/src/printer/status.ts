import { printerError } from './errors.ts';

export interface PrinterStatus {
  online: boolean;
  coverOpen: boolean;
  paperNearEnd: boolean;
  paperOut: boolean;
  /** Auto-cutter jam or other error that needs a person. */
  error: boolean;
}

/** Raw answers to `DLE EOT 1..4`, one byte each. */
export type StatusBytes = readonly [number, number, number, number];

/** Bits 1 and 4 are always 1, bits 0 and 7 always 0 in every `DLE EOT` answer (Epson). */
function checkFixedBits(byte: number, n: number): void {
  if ((byte & 0x93) !== 0x12)
    throw printerError(
      'bad_status',
      `Máy in trả lời trạng thái không hợp lệ (DLE EOT ${n}: 0x${byte.toString(16)})`,
      `Invalid printer status answer (DLE EOT ${n}: 0x${byte.toString(16)})`,
    );
}

export function parseStatus(bytes: StatusBytes): PrinterStatus {
  for (const [i, b] of bytes.entries()) checkFixedBits(b, i + 1);
  const [printer, offlineCause, errorCause, paper] = bytes;
  return {
    online: (printer & 0x08) === 0,
    coverOpen: (offlineCause & 0x04) !== 0,
    paperNearEnd: (paper & 0x0c) !== 0,
    paperOut: (paper & 0x60) !== 0 || (offlineCause & 0x20) !== 0,
    error: (offlineCause & 0x40) !== 0 || (errorCause & 0x68) !== 0,
  };
}

/** The inverse of parseStatus: what a printer in this state answers (used by the simulator). */
export function encodeStatus(status: PrinterStatus): StatusBytes {
  const paperOut = status.paperOut ? 0x60 : 0;
  const offline = !status.online || status.coverOpen || status.paperOut || status.error;
  return [
    0x12 | (offline ? 0x08 : 0),
    0x12 | (status.coverOpen ? 0x04 : 0) | (status.paperOut ? 0x20 : 0) | (status.error ? 0x40 : 0),
    0x12 | (status.error ? 0x08 : 0),
    0x12 | (status.paperNearEnd || status.paperOut ? 0x0c : 0) | paperOut,
  ];
}

/** Why this status forbids printing, or undefined when the printer can print. */
export function refusal(status: PrinterStatus) {
  if (status.paperOut) return printerError('paper_out', 'Máy in hết giấy', 'The printer is out of paper');
  if (status.coverOpen) return printerError('cover_open', 'Nắp máy in đang mở', 'The printer cover is open');
  if (status.error) return printerError('printer_error', 'Máy in báo lỗi', 'The printer reports an error');
  if (!status.online) return printerError('offline', 'Máy in không sẵn sàng', 'The printer is offline');
  return undefined;
}
