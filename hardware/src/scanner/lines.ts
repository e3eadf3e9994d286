import { type ScannerError, scannerError } from './errors.ts';

export type ScanResult = { text: string } | { error: ScannerError };

const CR = 0x0d;
const LF = 0x0a;
/** Allowed inside a scan: TAB, and GS (0x1D), the GS1 field separator in GS1 QR/DataMatrix codes. */
const ALLOWED_CONTROLS = new Set([0x09, 0x1d]);

/**
 * Turns a byte stream into scans: CR, LF or CRLF ends a scan, blank lines are ignored. Each scan is
 * checked (strict UTF-8, no control bytes, bounded length) and NFC-normalised.
 */
export class LineAssembler {
  private buffer: number[] = [];
  /** Set after an over-long line: drop bytes until the next terminator. */
  private discarding = false;

  constructor(private readonly maxBytes = 4096) {}

  push(chunk: Uint8Array): ScanResult[] {
    const results: ScanResult[] = [];
    for (const byte of chunk) {
      if (byte === CR || byte === LF) {
        if (!this.discarding && this.buffer.length > 0)
          results.push(decodeScan(Uint8Array.from(this.buffer)));
        this.buffer = [];
        this.discarding = false;
      } else if (!this.discarding) {
        this.buffer.push(byte);
        if (this.buffer.length > this.maxBytes) {
          results.push({
            error: scannerError(
              'line_too_long',
              `Dữ liệu quét dài quá ${this.maxBytes} byte mà không có ký tự kết thúc`,
              `Scan exceeds ${this.maxBytes} bytes without a line terminator`,
            ),
          });
          this.buffer = [];
          this.discarding = true;
        }
      }
    }
    return results;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeScan(bytes: Uint8Array): ScanResult {
  const control = bytes.findIndex((b) => (b < 0x20 && !ALLOWED_CONTROLS.has(b)) || b === 0x7f);
  if (control !== -1)
    return {
      error: scannerError(
        'binary_noise',
        `Dữ liệu quét chứa byte điều khiển tại vị trí ${control}`,
        `Scan contains a control byte at offset ${control}`,
      ),
    };
  try {
    return { text: utf8.decode(bytes).normalize('NFC') };
  } catch {
    return {
      error: scannerError('invalid_utf8', 'Dữ liệu quét không phải UTF-8 hợp lệ', 'Scan is not valid UTF-8'),
    };
  }
}
