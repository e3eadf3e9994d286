import { errorFactory, HardwareError } from '../errors.ts';

/**
 * The counter number display's line protocol (docs/hardware.md): ASCII lines ending in CR LF,
 * one command in flight, each answered by exactly one `OK` or `ERR <CODE>` line.
 *
 *   NUM A012   show a ticket number (1–8 of A–Z 0–9 -)
 *   CLR        blank the display
 *   BRI 5      brightness 0–9
 *   PING       liveness check
 *
 * The device may send `HELLO <model>` when it powers on; hosts ignore it.
 */
export type DisplayCommand =
  | { kind: 'number'; number: string }
  | { kind: 'clear' }
  | { kind: 'brightness'; level: number }
  | { kind: 'ping' };

export type DisplayErrorCode = 'bad_number' | 'timeout' | 'rejected' | 'bad_reply' | 'transport';

export class CounterDisplayError extends HardwareError<DisplayErrorCode> {
  override readonly name = 'CounterDisplayError';
}

export const displayError = errorFactory(CounterDisplayError);

export const MAX_LINE = 64;
const NUMBER = /^[A-Z0-9-]{1,8}$/;

export function formatCommand(command: DisplayCommand): string {
  switch (command.kind) {
    case 'number':
      if (!NUMBER.test(command.number))
        throw displayError(
          'bad_number',
          'Số hiển thị cần 1–8 ký tự A–Z, 0–9 hoặc -',
          'A displayed number needs 1–8 of A–Z, 0–9 or -',
        );
      return `NUM ${command.number}\r\n`;
    case 'clear':
      return 'CLR\r\n';
    case 'brightness':
      if (!Number.isInteger(command.level) || command.level < 0 || command.level > 9)
        throw displayError('bad_number', 'Độ sáng cần từ 0 đến 9', 'Brightness must be 0–9');
      return `BRI ${command.level}\r\n`;
    case 'ping':
      return 'PING\r\n';
  }
}

export type ErrCode = 'SYNTAX' | 'RANGE';

/** Device side: parses one received line (without terminator). */
export function parseCommand(line: string): DisplayCommand | ErrCode {
  const [verb, arg, extra] = line.trim().split(/ +/);
  if (extra !== undefined) return 'SYNTAX';
  if (verb === 'NUM' && arg !== undefined)
    return NUMBER.test(arg) ? { kind: 'number', number: arg } : 'RANGE';
  if (verb === 'BRI' && arg !== undefined)
    return /^[0-9]$/.test(arg) ? { kind: 'brightness', level: Number(arg) } : 'RANGE';
  if (verb === 'CLR' && arg === undefined) return { kind: 'clear' };
  if (verb === 'PING' && arg === undefined) return { kind: 'ping' };
  return 'SYNTAX';
}

export type Reply = { ok: true } | { ok: false; code: string } | { hello: string };

/** Host side: parses one received line; undefined for anything that is not a protocol reply. */
export function parseReply(line: string): Reply | undefined {
  if (line === 'OK') return { ok: true };
  const err = /^ERR ([A-Z_]{1,16})$/.exec(line);
  if (err) return { ok: false, code: err[1]! };
  const hello = /^HELLO [\x20-\x7e]{0,48}$/.exec(line);
  if (hello) return { hello: line.slice(6) };
  return undefined;
}

/** Splits a byte stream into lines at CR, LF or CRLF; an over-long line is reported, not kept. */
export class LineSplitter {
  private current = '';
  private overflow = false;

  push(chunk: Uint8Array, onLine: (line: string | { overflow: true }) => void): void {
    for (const byte of chunk) {
      if (byte === 0x0d || byte === 0x0a) {
        if (this.overflow) onLine({ overflow: true });
        else if (this.current) onLine(this.current);
        this.current = '';
        this.overflow = false;
      } else if (!this.overflow) {
        // Bytes outside printable ASCII make the line unparseable, which is what we want.
        this.current += String.fromCharCode(byte);
        if (this.current.length > MAX_LINE) {
          this.current = '';
          this.overflow = true;
        }
      }
    }
  }
}
