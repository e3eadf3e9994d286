import { EventEmitter } from 'node:events';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { ScannerError } from './errors.ts';
import { EvdevKeyDecoder, EvdevScanner, findKeyboardDevices } from './evdev.ts';
import { type HidDevice, HidPosScanner, loadNodeHid } from './hid.ts';
import { createScanner } from './index.ts';
import { LineAssembler, type ScanResult } from './lines.ts';
import type { Scanner } from './scanner.ts';
import { SerialScanner } from './serial.ts';
import { SimulatedScanner } from './simulator.ts';

/** A CCCD QR payload shape (made-up person): ID|old ID|name|birth|sex|address|issue date. */
const CCCD = '001099012345|123456789|Nguyễn Thị Ánh Tuyết|01011990|Nữ|Số 1 Phố Huế, Hà Nội|15082021';
const enc = (s: string) => new TextEncoder().encode(s);

function collect(scanner: Scanner) {
  const scans: string[] = [];
  const errors: ScannerError[] = [];
  scanner.onScan((t) => scans.push(t));
  scanner.onError((e) => errors.push(e));
  return { scans, errors };
}

const texts = (results: ScanResult[]) => results.map((r) => ('text' in r ? r.text : `!${r.error.code}`));

describe('line assembly', () => {
  it('ends scans at CR, LF or CRLF, across chunk boundaries, skipping blank lines', () => {
    const lines = new LineAssembler();
    expect(texts(lines.push(enc('ABC\r\nDE')))).toEqual(['ABC']);
    expect(texts(lines.push(enc('F\rG\n\n\r\nH')))).toEqual(['DEF', 'G']);
    expect(texts(lines.push(enc('\r')))).toEqual(['H']);
  });

  it('decodes UTF-8 split inside a character and normalises to NFC', () => {
    const lines = new LineAssembler();
    const bytes = enc(`${'Nguyễn'.normalize('NFD')}\r`);
    expect(texts(lines.push(bytes.subarray(0, 5)))).toEqual([]);
    const [result] = lines.push(bytes.subarray(5));
    expect(result).toEqual({ text: 'Nguyễn'.normalize('NFC') });
  });

  it('reports invalid UTF-8 and control bytes as typed errors, then reads the next scan', () => {
    const lines = new LineAssembler();
    expect(texts(lines.push(Uint8Array.of(0x41, 0xc3, 0x28, 0x0d)))).toEqual(['!invalid_utf8']);
    expect(texts(lines.push(Uint8Array.of(0x41, 0x00, 0x42, 0x0d)))).toEqual(['!binary_noise']);
    expect(texts(lines.push(enc('OK\r')))).toEqual(['OK']);
  });

  it('keeps the GS1 separator and tabs', () => {
    expect(texts(new LineAssembler().push(enc('(01)123\x1d(10)AB\tC\n')))).toEqual(['(01)123\x1d(10)AB\tC']);
  });

  it('reports an over-long line once, drops it to the next terminator, then recovers', () => {
    const lines = new LineAssembler(16);
    const results = [...lines.push(new Uint8Array(40).fill(0x41)), ...lines.push(enc('tail\rnext\r'))];
    expect(texts(results)).toEqual(['!line_too_long', 'next']);
  });

  it('never throws and never puts scanned content in an error, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), (chunks) => {
        const lines = new LineAssembler(256);
        for (const chunk of chunks)
          for (const r of lines.push(Uint8Array.from([...enc(CCCD), ...chunk, 0x0d]))) {
            if ('error' in r) {
              expect(r.error).toBeInstanceOf(ScannerError);
              expect(`${r.error.message} ${r.error.text.vi}`).not.toMatch(/001099012345|Nguyễn|Tuyết/);
            } else expect(r.text).toBe(r.text.normalize('NFC'));
          }
      }),
    );
  });
});

describe('serial scanner (USB-COM) over the mock binding', () => {
  afterEach(() => SerialPortMock.binding.reset());

  async function openMock(path: string) {
    SerialPortMock.binding.createPort(path);
    const port = new SerialPortMock({ path, baudRate: 9600 });
    await new Promise<void>((resolve) => port.on('open', () => resolve()));
    return port;
  }

  it('emits a CCCD QR scan intact and garbage as errors', async () => {
    const port = await openMock('/dev/ttyACM0');
    const scanner = new SerialScanner(port);
    const { scans, errors } = collect(scanner);
    const lastScan = new Promise<void>((resolve) =>
      scanner.onScan((t) => t === '8935049500018' && resolve()),
    );
    const bytes = Buffer.from(`${CCCD}\r\n`);
    port.port!.emitData(bytes.subarray(0, 20));
    port.port!.emitData(bytes.subarray(20));
    port.port!.emitData(Buffer.from([0xff, 0xfe, 0x01, 0x0d]));
    port.port!.emitData(Buffer.from('8935049500018\r'));
    await lastScan;
    expect(scans).toEqual([CCCD, '8935049500018']);
    expect(errors.map((e) => e.code)).toEqual(['binary_noise']);
    await scanner.close();
    expect(port.isOpen).toBe(false);
  });

  it('createScanner opens a real serial port; a missing device is an error event', async () => {
    const scanner = await createScanner({ kind: 'serial', path: '/dev/ttyACM-missing' });
    const error = await new Promise<ScannerError>((resolve) => scanner.onError(resolve));
    expect(error.code).toBe('device_error');
    await scanner.close();
  });

  it('a port that cannot open is a device error event, not a crash', async () => {
    const port = new SerialPortMock({ path: '/dev/ttyACM9', baudRate: 9600 });
    const scanner = new SerialScanner(port);
    const error = await new Promise<ScannerError>((resolve) => scanner.onError(resolve));
    expect(error.code).toBe('device_error');
  });
});

/** input_event records as the kernel writes them (little-endian). */
function keyEvents(keys: [code: number, value: number][], size: 16 | 24 = 24, withSyn = true): Uint8Array {
  const records: number[][] = [];
  for (const [code, value] of keys) {
    records.push([1, code, value]);
    if (withSyn) records.push([0, 0, 0]);
  }
  const out = new Uint8Array(records.length * size);
  const view = new DataView(out.buffer);
  records.forEach(([type, code, value], i) => {
    const body = i * size + size - 8;
    view.setUint32(i * size, 1_700_000_000 + i, true); // tv_sec: ignored by the decoder
    view.setUint16(body, type!, true);
    view.setUint16(body + 2, code!, true);
    view.setInt32(body + 4, value!, true);
  });
  return out;
}

const tap = (code: number): [number, number][] => [
  [code, 1],
  [code, 0],
];
const shifted = (code: number): [number, number][] => [[42, 1], ...tap(code), [42, 0]];
// "Ab1-/" then Enter
const TYPED: [number, number][] = [...shifted(30), ...tap(48), ...tap(2), ...tap(12), ...tap(53), ...tap(28)];

describe('evdev keyboard-wedge scanner', () => {
  it('translates key codes with Shift, ends at Enter, on 64-bit and 32-bit records', () => {
    for (const size of [24, 16] as const) {
      const scanner = new EvdevScanner({ eventSize: size });
      const { scans } = collect(scanner);
      const bytes = keyEvents(TYPED, size);
      // Split at awkward places: records arrive in arbitrary chunks.
      scanner.pushEvents(bytes.subarray(0, 7));
      scanner.pushEvents(bytes.subarray(7, 100));
      scanner.pushEvents(bytes.subarray(100));
      expect(scans).toEqual(['Ab1-/']);
    }
  });

  it('handles Caps Lock, auto-repeat and Ctrl+] (GS)', () => {
    const decoder = new EvdevKeyDecoder(24);
    const events = decoder.push(
      keyEvents([
        ...tap(58),
        ...tap(30),
        ...shifted(30),
        [31, 1],
        [31, 2],
        [31, 0],
        [29, 1],
        ...tap(27),
        [29, 0],
      ]),
    );
    // Caps Lock stays on: 's' types as 'S'; the repeat (value 2) types nothing.
    expect(events.map((e) => (e.kind === 'char' ? e.char : e.kind))).toEqual(['A', 'a', 'S', '\x1d']);
  });

  it('drops a scan with untranslatable keys and says so', () => {
    const scanner = new EvdevScanner({ eventSize: 24 });
    const { scans, errors } = collect(scanner);
    scanner.pushEvents(keyEvents([...tap(30), ...tap(183), ...tap(28), ...tap(31), ...tap(96)]));
    expect(errors.map((e) => e.code)).toEqual(['unknown_key']);
    expect(scans).toEqual(['s']);
  });

  it('survives random bytes on the device', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (noise) => {
        const scanner = new EvdevScanner({ eventSize: 24 });
        collect(scanner);
        scanner.pushEvents(noise);
      }),
    );
  });

  it('reads a device file', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'evdev-')), 'event-kbd');
    writeFileSync(path, keyEvents(TYPED, 24));
    const scanner = new EvdevScanner({ eventSize: 24 });
    const { scans } = collect(scanner);
    const got = new Promise<void>((resolve) => scanner.onScan(() => resolve()));
    scanner.open(path);
    await got;
    expect(scans).toEqual(['Ab1-/']);
    await scanner.close();
  });

  it('keeps polling the device and picks up events written later; close() stops it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'evdev-')), 'event-kbd');
    writeFileSync(path, '');
    const scanner = new EvdevScanner({ eventSize: 24 });
    const got = new Promise<string>((resolve) => scanner.onScan(resolve));
    scanner.open(path, 5);
    appendFileSync(path, keyEvents(TYPED, 24));
    expect(await got).toBe('Ab1-/');
    await scanner.close();
  });

  it('lists keyboard event devices by id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'by-id-'));
    for (const name of [
      'usb-Scanner_Co_QR-event-kbd',
      'usb-Scanner_Co_QR-if01-event-mouse',
      'usb-Acme_kbd-event-kbd',
    ])
      writeFileSync(join(dir, name), '');
    expect(await findKeyboardDevices(dir)).toEqual([
      join(dir, 'usb-Acme_kbd-event-kbd'),
      join(dir, 'usb-Scanner_Co_QR-event-kbd'),
    ]);
    expect(await findKeyboardDevices(join(dir, 'missing'))).toEqual([]);
  });

  it('a missing device is an error event', async () => {
    const scanner = new EvdevScanner();
    const error = new Promise<ScannerError>((resolve) => scanner.onError(resolve));
    scanner.open('/nonexistent/event-kbd');
    expect((await error).code).toBe('device_error');
  });
});

describe('HID-POS scanner', () => {
  const report = (data: string, more = false) => {
    const r = Buffer.alloc(64);
    const bytes = Buffer.from(data);
    r[0] = 0x02;
    r[1] = bytes.length;
    r.set(Buffer.from(']Q1'), 2);
    bytes.copy(r, 5);
    r[63] = more ? 1 : 0;
    return r;
  };

  it('joins continued reports into one scan, even split inside a UTF-8 character', () => {
    const device = new EventEmitter() as EventEmitter & HidDevice;
    device.close = async () => {};
    const { scans, errors } = collect(new HidPosScanner(device));
    const bytes = Buffer.from(CCCD);
    const split = bytes.indexOf(Buffer.from('ễ')) + 1;
    const part = (from: number, to: number, more: boolean) => {
      const r = Buffer.alloc(64);
      r[0] = 0x02;
      r[1] = to - from;
      bytes.copy(r, 5, from, to);
      r[63] = more ? 1 : 0;
      return r;
    };
    device.emit('data', part(0, split, true));
    device.emit('data', part(split, split + 50, true));
    device.emit('data', part(split + 50, bytes.length, false));
    device.emit('data', report('X2'));
    expect(scans).toEqual([CCCD, 'X2']);
    expect(errors).toEqual([]);
  });

  it('reports a lying length byte and ignores other report ids', () => {
    const device = new EventEmitter() as EventEmitter & HidDevice;
    device.close = async () => {};
    const { scans, errors } = collect(new HidPosScanner(device));
    const bad = report('x');
    bad[1] = 200;
    device.emit('data', bad);
    const other = report('ignored');
    other[0] = 0x04;
    device.emit('data', other);
    device.emit('error', new Error('device unplugged'));
    expect(scans).toEqual([]);
    expect(errors.map((e) => e.code)).toEqual(['bad_report', 'device_error']);
  });

  it('a missing node-hid or libusb is a typed error naming what to install', async () => {
    const failing = () => Promise.reject(new Error('libusb-1.0.so.0: cannot open shared object file'));
    await expect(loadNodeHid(failing)).rejects.toMatchObject({ code: 'hid_unavailable' });
    await expect(HidPosScanner.open({ path: '/dev/hidraw0' }, undefined, failing)).rejects.toThrow(
      /libusb-1.0-0/,
    );
  });

  it('loads the real node-hid when libusb-1.0 is installed', async () => {
    const hid = await loadNodeHid();
    expect(typeof hid.HIDAsync.open).toBe('function');
    await expect(HidPosScanner.open({ path: '/dev/hidraw-missing' })).rejects.toMatchObject({
      code: 'device_error',
    });
  });
});

describe('simulated scanner', () => {
  it('pushes text through the real decoding path', () => {
    const scanner = new SimulatedScanner();
    const { scans, errors } = collect(scanner);
    const off = scanner.onScan(() => {
      throw new Error('unsubscribed listener called');
    });
    off();
    scanner.scan(CCCD.normalize('NFD'));
    scanner.pushRaw(Uint8Array.of(0xc0, 0x80, 0x0a));
    expect(scans).toEqual([CCCD]);
    expect(errors.map((e) => e.code)).toEqual(['invalid_utf8']);
  });
});
