import { constants } from 'node:fs';
import { type FileHandle, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { deviceError, scannerError } from './errors.ts';
import { ScannerBase } from './scanner.ts';

const EV_KEY = 1;
const KEY_ENTER = 28;
const KEY_KPENTER = 96;
const SHIFT_KEYS = new Set([42, 54]);
const CTRL_KEYS = new Set([29, 97]);
const KEY_CAPSLOCK = 58;
const KEY_RIGHTBRACE = 27;
/** Keys that change state only: alt, meta. */
const IGNORED_KEYS = new Set([56, 100, 125, 126]);

/** US layout: key code → [plain, shifted]. Scanners in keyboard-wedge mode type with it. */
const US_KEYS: Record<number, string> = {
  2: '1!',
  3: '2@',
  4: '3#',
  5: '4$',
  6: '5%',
  7: '6^',
  8: '7&',
  9: '8*',
  10: '9(',
  11: '0)',
  12: '-_',
  13: '=+',
  15: '\t\t',
  16: 'qQ',
  17: 'wW',
  18: 'eE',
  19: 'rR',
  20: 'tT',
  21: 'yY',
  22: 'uU',
  23: 'iI',
  24: 'oO',
  25: 'pP',
  26: '[{',
  27: ']}',
  30: 'aA',
  31: 'sS',
  32: 'dD',
  33: 'fF',
  34: 'gG',
  35: 'hH',
  36: 'jJ',
  37: 'kK',
  38: 'lL',
  39: ';:',
  40: `'"`,
  41: '`~',
  43: '\\|',
  44: 'zZ',
  45: 'xX',
  46: 'cC',
  47: 'vV',
  48: 'bB',
  49: 'nN',
  50: 'mM',
  51: ',<',
  52: '.>',
  53: '/?',
  55: '**',
  57: '  ',
  71: '77',
  72: '88',
  73: '99',
  74: '--',
  75: '44',
  76: '55',
  77: '66',
  78: '++',
  79: '11',
  80: '22',
  81: '33',
  82: '00',
  83: '..',
  98: '//',
};

export type KeyEvent = { kind: 'char'; char: string } | { kind: 'enter' } | { kind: 'unknown'; code: number };

/** `struct input_event` is 24 bytes with a 64-bit `struct timeval`, 16 bytes on 32-bit Pi OS. */
export function defaultEventSize(): 16 | 24 {
  return ['arm64', 'x64', 'ppc64', 's390x', 'riscv64', 'loong64'].includes(process.arch) ? 24 : 16;
}

/** Decodes raw input_event records into typed characters (tracking Shift, Caps Lock, Ctrl+] = GS). */
export class EvdevKeyDecoder {
  private pending = new Uint8Array();
  private shift = 0;
  private ctrl = 0;
  private capsLock = false;

  constructor(private readonly eventSize: 16 | 24 = defaultEventSize()) {}

  push(chunk: Uint8Array): KeyEvent[] {
    const bytes = new Uint8Array(this.pending.length + chunk.length);
    bytes.set(this.pending);
    bytes.set(chunk, this.pending.length);
    const view = new DataView(bytes.buffer);
    const events: KeyEvent[] = [];
    let at = 0;
    for (; at + this.eventSize <= bytes.length; at += this.eventSize) {
      const body = at + this.eventSize - 8;
      const type = view.getUint16(body, true);
      const code = view.getUint16(body + 2, true);
      const value = view.getInt32(body + 4, true);
      if (type !== EV_KEY) continue;
      const event = this.key(code, value);
      if (event) events.push(event);
    }
    this.pending = bytes.slice(at);
    return events;
  }

  private key(code: number, value: number): KeyEvent | undefined {
    if (SHIFT_KEYS.has(code)) this.shift = Math.max(0, this.shift + (value === 1 ? 1 : value === 0 ? -1 : 0));
    else if (CTRL_KEYS.has(code))
      this.ctrl = Math.max(0, this.ctrl + (value === 1 ? 1 : value === 0 ? -1 : 0));
    // Only presses type; releases and auto-repeat do not.
    if (value !== 1 || SHIFT_KEYS.has(code) || CTRL_KEYS.has(code) || IGNORED_KEYS.has(code))
      return undefined;
    if (code === KEY_CAPSLOCK) {
      this.capsLock = !this.capsLock;
      return undefined;
    }
    if (code === KEY_ENTER || code === KEY_KPENTER) return { kind: 'enter' };
    if (this.ctrl > 0)
      return code === KEY_RIGHTBRACE ? { kind: 'char', char: '\x1d' } : { kind: 'unknown', code };
    const pair = US_KEYS[code];
    if (!pair) return { kind: 'unknown', code };
    const letter = pair[0]! >= 'a' && pair[0]! <= 'z';
    const shifted = this.shift > 0 !== (letter && this.capsLock);
    return { kind: 'char', char: shifted ? pair[1]! : pair[0]! };
  }
}

/**
 * A keyboard-wedge scanner read from `/dev/input/by-id/*-event-kbd` (group `input`). Hide it from
 * the desktop with udev `LIBINPUT_IGNORE_DEVICE=1`, or its keystrokes also reach the focused window.
 */
export class EvdevScanner extends ScannerBase {
  private readonly decoder: EvdevKeyDecoder;
  private unknownKeys = 0;
  private closed = false;
  private reading?: Promise<void>;

  constructor(options: { eventSize?: 16 | 24; maxScanBytes?: number } = {}) {
    super(options.maxScanBytes);
    this.decoder = new EvdevKeyDecoder(options.eventSize);
  }

  /**
   * Starts reading a device file; errors (missing device, no permission, unplugged) arrive as
   * events. The file is polled non-blocking: a blocking read would hold a libuv pool thread, and
   * keep the process alive, for as long as nobody scans.
   */
  open(path: string, pollMs = 15): this {
    this.reading = this.readLoop(path, pollMs);
    return this;
  }

  private async readLoop(path: string, pollMs: number): Promise<void> {
    let file: FileHandle;
    try {
      file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (err) {
      this.emitError(deviceError(err));
      return;
    }
    const buffer = Buffer.alloc(24 * 64);
    try {
      while (!this.closed) {
        const { bytesRead } = await file
          .read(buffer, 0, buffer.length, null)
          .catch((err: NodeJS.ErrnoException) => {
            if (err.code === 'EAGAIN') return { bytesRead: 0 };
            throw err;
          });
        if (bytesRead > 0) this.pushEvents(buffer.subarray(0, bytesRead));
        else await sleep(pollMs);
      }
    } catch (err) {
      this.emitError(deviceError(err));
    } finally {
      await file.close();
    }
  }

  /** Feeds raw input_event bytes (the device stream, or a test). */
  pushEvents(chunk: Uint8Array): void {
    for (const event of this.decoder.push(chunk)) {
      if (event.kind === 'char') this.pushBytes(new TextEncoder().encode(event.char));
      else if (event.kind === 'unknown') this.unknownKeys++;
      else this.endScan();
    }
  }

  private endScan(): void {
    if (this.unknownKeys === 0) {
      this.pushBytes(Uint8Array.of(0x0a));
      return;
    }
    this.lines.push(Uint8Array.of(0x0a)); // drop the broken scan
    this.emitError(
      scannerError(
        'unknown_key',
        `Máy quét gửi ${this.unknownKeys} phím không dịch được; bỏ qua lần quét này`,
        `Scanner sent ${this.unknownKeys} untranslatable keys; scan dropped`,
      ),
    );
    this.unknownKeys = 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.reading;
  }
}

/** Keyboard event devices by stable name (`/dev/input/by-id/*-event-kbd`); empty when there are none. */
export async function findKeyboardDevices(byIdDir = '/dev/input/by-id'): Promise<string[]> {
  const names = await readdir(byIdDir).catch(() => [] as string[]);
  return names
    .filter((name) => name.endsWith('-event-kbd'))
    .sort()
    .map((name) => join(byIdDir, name));
}
