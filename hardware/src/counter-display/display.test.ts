import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { DisplayDeviceModel, SerialCounterDisplay, type SimulatedCounterDisplay } from './display.ts';
import { createCounterDisplay } from './index.ts';
import { CounterDisplayError, formatCommand, parseCommand, parseReply } from './protocol.ts';

/**
 * A display on the mock serial binding: every line the host writes goes to the device model and
 * its reply comes back as bytes. `reply` can be replaced to misbehave.
 */
async function mockDisplay(
  path: string,
  reply?: (line: string, device: DisplayDeviceModel) => string | Buffer | null,
) {
  SerialPortMock.binding.createPort(path, { record: true });
  const port = new SerialPortMock({ path, baudRate: 9600 });
  await new Promise<void>((resolve) => port.on('open', () => resolve()));
  const device = new DisplayDeviceModel();
  const binding = port.port!;
  const write = binding.write.bind(binding);
  binding.write = async (buffer: Buffer) => {
    await write(buffer);
    for (const line of buffer.toString('latin1').split('\r\n').filter(Boolean)) {
      const answer = reply ? reply(line, device) : `${device.handle(line)}\r\n`;
      if (answer !== null) setImmediate(() => binding.emitData(answer));
    }
  };
  return { port, device, display: new SerialCounterDisplay(port, 1000), binding };
}

describe('counter display protocol', () => {
  it('formats and parses each command both ways', () => {
    expect(formatCommand({ kind: 'number', number: 'A012' })).toBe('NUM A012\r\n');
    expect(formatCommand({ kind: 'clear' })).toBe('CLR\r\n');
    expect(parseCommand('NUM A012')).toEqual({ kind: 'number', number: 'A012' });
    expect(parseCommand('BRI 7')).toEqual({ kind: 'brightness', level: 7 });
    expect(parseCommand('NUM a012')).toBe('RANGE');
    expect(parseCommand('NUM A012 X')).toBe('SYNTAX');
    expect(parseCommand('\u00ff\u0001')).toBe('SYNTAX');
    expect(parseReply('ERR RANGE')).toEqual({ ok: false, code: 'RANGE' });
    expect(parseReply('HELLO OSS-7SEG v1')).toEqual({ hello: 'OSS-7SEG v1' });
    expect(parseReply('OK ')).toBeUndefined();
  });

  it('refuses numbers the display cannot show before sending anything', () => {
    expect(() => formatCommand({ kind: 'number', number: 'A0123456789' })).toThrow(CounterDisplayError);
    expect(() => formatCommand({ kind: 'number', number: 'Số 1' })).toThrow(/1–8/);
    expect(() => formatCommand({ kind: 'brightness', level: 10 })).toThrow(CounterDisplayError);
  });
});

describe('serial counter display over the mock binding', () => {
  afterEach(() => SerialPortMock.binding.reset());

  it('shows, clears and dims; the device receives exactly the protocol lines', async () => {
    const { display, device, binding } = await mockDisplay('/dev/ttyUSB0');
    await display.show('A012');
    expect(device.number).toBe('A012');
    await display.setBrightness(3);
    await display.ping();
    await display.clear();
    expect(device.number).toBe('');
    expect(device.brightness).toBe(3);
    expect(binding.recording.toString()).toBe('NUM A012\r\nBRI 3\r\nPING\r\nCLR\r\n');
    await display.close();
  });

  it('sends commands one at a time even when called together', async () => {
    const { display, device } = await mockDisplay('/dev/ttyUSB1');
    await Promise.all([display.show('A001'), display.show('A002'), display.show('B003')]);
    // A bad number rejects (never throws synchronously) and sends nothing.
    const bad = display.show('a-1');
    await expect(bad).rejects.toMatchObject({ code: 'bad_number' });
    expect(device.number).toBe('B003');
  });

  it('ignores HELLO, reports ERR replies, garbage and silence as typed errors, and keeps working', async () => {
    let mode: 'hello' | 'err' | 'garbage' | 'silent' | 'long' | 'normal' = 'hello';
    const { display } = await mockDisplay('/dev/ttyUSB2', (line, device) => {
      const ok = `${device.handle(line)}\r\n`;
      if (mode === 'hello') return `HELLO OSS-7SEG v1\r\n${ok}`;
      if (mode === 'err') return 'ERR BUSY\r\n';
      if (mode === 'garbage') return Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x0d, 0x0a]);
      if (mode === 'long') return Buffer.alloc(500, 0x41);
      if (mode === 'silent') return null;
      return ok;
    });
    await display.show('A010');
    mode = 'err';
    await expect(display.show('A011')).rejects.toMatchObject({ code: 'rejected' });
    mode = 'garbage';
    await expect(display.show('A012')).rejects.toMatchObject({ code: 'bad_reply' });
    mode = 'silent';
    await expect(display.show('A013')).rejects.toMatchObject({ code: 'timeout' });
    mode = 'long';
    await expect(display.show('A014')).rejects.toMatchObject({ code: 'timeout' });
    mode = 'normal';
    // The over-long line ends at the next terminator and is reported; then the display works again.
    await expect(display.ping()).rejects.toMatchObject({ code: 'bad_reply' });
    await display.show('A015');
  });

  it('a missing serial device is a transport error, not a hang', async () => {
    const display = createCounterDisplay({ kind: 'serial', path: '/dev/ttyUSB-missing' });
    await expect(display.show('A001')).rejects.toMatchObject({ code: 'transport' });
    await display.close();
  });

  it('createCounterDisplay picks the simulator', async () => {
    const display = createCounterDisplay({ kind: 'simulator' }) as SimulatedCounterDisplay;
    await display.show('C100');
    expect(display.device.number).toBe('C100');
    await expect(display.show('c100')).rejects.toBeInstanceOf(CounterDisplayError);
  });
});
