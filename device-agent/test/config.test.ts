import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyLineEdits, lineEdits, yamlAliasBomb } from '@oss/tests';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, checkConfig, loadConfig } from '../src/config.ts';
import { tempDir } from './helpers.ts';

const enrolment = {
  site: 'demo',
  deviceId: 'kiosk-1',
  kind: 'kiosk',
  username: 'kiosk-1',
  password: 'secret-secret',
  mqttUrl: 'mqtt://127.0.0.1:1883',
};
const valid = {
  device: { id: 'kiosk-1', kind: 'kiosk', site: 'demo' },
  credentials: enrolment,
  serverUrl: 'http://127.0.0.1:8080',
  hardware: {
    printer: { driver: 'file', path: '/dev/usb/lp0', paper: '80mm' },
    scanner: { driver: 'serial', path: '/dev/serial/by-id/usb-scanner' },
    cardReader: { driver: 'pcsc' },
  },
};

function fieldOf(value: unknown): string {
  try {
    checkConfig(value);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).field;
  }
  throw new Error('accepted');
}

describe('config', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('accepts a complete kiosk config with the enrol output as credentials', () => {
    expect(checkConfig(valid).device.id).toBe('kiosk-1');
  });

  it('names the bad field', () => {
    expect(fieldOf({ ...valid, serverUrl: 'ftp://x' })).toBe('serverUrl');
    expect(fieldOf({ ...valid, credentials: { ...enrolment, password: undefined } })).toBe(
      'credentials.password',
    );
    expect(fieldOf({ ...valid, device: { ...valid.device, kind: 'toaster' } })).toBe('device.kind');
    expect(fieldOf({ ...valid, hardware: { printer: { driver: 'file' } } })).toBe('hardware.printer.path');
    expect(fieldOf({ ...valid, hardware: { printer: { driver: 'tcp', hots: 'x' } } })).toBe(
      'hardware.printer.hots',
    );
    expect(fieldOf({ ...valid, device: { ...valid.device, id: 'kiosk-2' } })).toBe('credentials.deviceId');
    expect(
      fieldOf({
        ...valid,
        device: { id: 'counter-1', kind: 'counter', site: 'demo' },
        credentials: { ...enrolment, deviceId: 'counter-1', username: 'counter-1', kind: 'counter' },
      }),
    ).toBe('device.counterId');
    expect(
      fieldOf({
        ...valid,
        device: { id: 'counter-1', kind: 'counter', site: 'demo', counterId: 'c1' },
        credentials: { ...enrolment, deviceId: 'counter-1', username: 'counter-1', kind: 'counter' },
        hardware: { gpio: { driver: 'gpio', buttons: { next: 17, recall: 17 } } },
      }),
    ).toBe('hardware.gpio.buttons.recall');
    expect(fieldOf({ ...valid, offline: { leaseSize: 10, renewBelow: 10 } })).toBe('offline.renewBelow');
    expect(fieldOf({ ...valid, timeZone: 'Asia/Hanoi' })).toBe('timeZone');
    expect(checkConfig({ ...valid, timeZone: 'Europe/Berlin' }).timeZone).toBe('Europe/Berlin');
    expect(fieldOf('just text')).toBe('');
  });

  it('tells the technician in Vietnamese, then English, naming the field', () => {
    const messageOf = (value: unknown) => {
      try {
        checkConfig(value);
      } catch (e) {
        return (e as ConfigError).message;
      }
      throw new Error('accepted');
    };
    const title = 'Cấu hình thiết bị không hợp lệ / invalid agent configuration:\n  ';
    expect(messageOf({ ...valid, hardware: { printer: { driver: 'file' } } })).toBe(
      `${title}hardware.printer.path: trường "hardware.printer.path" là bắt buộc khi driver là file / ` +
        'field "hardware.printer.path" is required for the file driver',
    );
    // Schema problems carry both texts of validate().
    expect(messageOf({ ...valid, serverUrl: undefined })).toBe(
      `${title}serverUrl: Thiếu trường "serverUrl" / missing field "serverUrl"`,
    );
    expect(messageOf({ ...valid, timeZone: 'Asia/Hanoi' })).toMatch(
      /^Cấu hình thiết bị không hợp lệ .*\n {2}timeZone: trường "timeZone" không phải múi giờ đã biết .* \/ field "timeZone" names no known time zone/,
    );
  });

  it('each driver has its own fields: those of another driver are named as such', () => {
    const messageOf = (hardware: unknown) => {
      try {
        checkConfig({ ...valid, hardware });
      } catch (e) {
        return `${(e as ConfigError).field} → ${(e as ConfigError).message.split('\n  ')[1]}`;
      }
      throw new Error('accepted');
    };
    expect(messageOf({ printer: { driver: 'none', path: '/dev/usb/lp0' } })).toBe(
      'hardware.printer.path → hardware.printer.path: trường "hardware.printer.path" chỉ dùng khi driver là ' +
        'file hoặc serial / field "hardware.printer.path" is only for the file or serial driver',
    );
    expect(messageOf({ printer: { driver: 'tcp', host: 'p', baudRate: 9600 } })).toMatch(
      /^hardware\.printer\.baudRate → .*chỉ dùng khi driver là serial/,
    );
    expect(messageOf({ printer: { driver: 'tcp', host: 'p', port: 'x' } })).toMatch(
      /^hardware\.printer\.port → .*Trường "hardware\.printer\.port" phải có kiểu integer/,
    );
    // hid: a path, or a vendor and product id.
    const hid = 'hoặc vendorId + productId là bắt buộc khi driver là hid';
    expect(messageOf({ scanner: { driver: 'hid' } })).toContain(`"hardware.scanner.path" ${hid}`);
    expect(messageOf({ scanner: { driver: 'hid', vendorId: 0x1234 } })).toContain(hid);
    const byId = { driver: 'hid', vendorId: 0x1234, productId: 0x5678 };
    expect(checkConfig({ ...valid, hardware: { scanner: byId } }).hardware?.scanner).toEqual(byId);
    expect(messageOf({ gpio: { driver: 'simulator', buttons: { next: 17 } } })).toMatch(
      /^hardware\.gpio\.buttons → .*chỉ dùng khi driver là gpio/,
    );
    expect(messageOf({ audio: { driver: 'speaker' } })).toMatch(
      /^hardware\.audio\.driver → .*phải là một trong: "aplay", "pw-play", "simulator", "none"/,
    );
    expect(messageOf({ audio: { device: 'hdmi' } })).toMatch(/^hardware\.audio\.driver → .*Thiếu trường/);
    expect(messageOf({ printer: { driver: 'file', path: 'x', constructor: 1 } })).toMatch(
      /^hardware\.printer\.constructor → .*Trường không được hỗ trợ/,
    );
  });

  it('checks the counter camera section', () => {
    const counter = {
      ...valid,
      device: { id: 'counter-1', kind: 'counter', site: 'demo', counterId: 'c1' },
      credentials: { ...enrolment, deviceId: 'counter-1', username: 'counter-1', kind: 'counter' },
    };
    const camera = (c: Record<string, unknown>) => ({ ...counter, hardware: { camera: c } });
    expect(
      checkConfig(camera({ driver: 'rpicam', width: 640, height: 480, fps: 2 })).hardware?.camera?.driver,
    ).toBe('rpicam');
    expect(checkConfig(camera({ driver: 'v4l2', device: '/dev/video0', minConfidence: 0.3 }))).toBeTruthy();
    expect(fieldOf(camera({ driver: 'webcam' }))).toBe('hardware.camera.driver');
    expect(fieldOf(camera({ driver: 'files' }))).toBe('hardware.camera.files');
    expect(fieldOf(camera({ driver: 'rpicam', files: ['/tmp/a.jpg'] }))).toBe('hardware.camera.files');
    expect(fieldOf(camera({ driver: 'rpicam', minConfidence: 1.5 }))).toBe('hardware.camera.minConfidence');
    expect(fieldOf(camera({ driver: 'rpicam', fps: 0 }))).toBe('hardware.camera.fps');
    expect(fieldOf(camera({ driver: 'rpicam', zoom: 2 }))).toBe('hardware.camera.zoom');
    expect(fieldOf({ ...valid, hardware: { camera: { driver: 'rpicam' } } })).toBe('hardware.camera');
    const path = join(dir.path, 'counter.json');
    writeFileSync(path, JSON.stringify(camera({ driver: 'files', files: ['faces'] })));
    const loaded = loadConfig(path).hardware?.camera;
    expect(loaded?.driver === 'files' && loaded.files).toEqual([join(dir.path, 'faces')]);
  });

  it('loads YAML and JSON files; a broken file is a ConfigError, never a crash', () => {
    const yamlPath = join(dir.path, 'agent.yaml');
    writeFileSync(
      yamlPath,
      `device: {id: kiosk-1, kind: kiosk, site: demo}\ncredentials: ${JSON.stringify(enrolment)}\nserverUrl: http://10.0.0.2:8080\ndataDir: ./state\n`,
    );
    const loaded = loadConfig(yamlPath);
    expect(loaded.serverUrl).toBe('http://10.0.0.2:8080');
    expect(loaded.dataDir).toBe(join(dir.path, 'state'));
    const jsonPath = join(dir.path, 'agent.json');
    writeFileSync(jsonPath, JSON.stringify(valid));
    expect(loadConfig(jsonPath).hardware?.printer?.driver).toBe('file');
    const bad = join(dir.path, 'bad.yaml');
    writeFileSync(bad, 'device: [unclosed\n  : : :');
    expect(() => loadConfig(bad)).toThrow(ConfigError);
    expect(() => loadConfig(bad)).toThrow(
      /^Cấu hình thiết bị không hợp lệ .*bad\.yaml \/ invalid agent configuration .*bad\.yaml:\n {2}.*bad\.yaml:\d+ \(tệp \/ file\): Lỗi cú pháp YAML \/ YAML syntax error: /,
    );
    expect(() => loadConfig(join(dir.path, 'missing.yaml'))).toThrow(ConfigError);
    expect(() => loadConfig(join(dir.path, 'missing.yaml'))).toThrow(
      /missing\.yaml \(tệp \/ file\): Không đọc được tệp \(ENOENT\) \/ cannot read the file \(ENOENT\)$/,
    );
    // A bad field in a file is reported at its line.
    writeFileSync(
      bad,
      `device: {id: kiosk-1, kind: kiosk, site: demo}\ncredentials: ${JSON.stringify(enrolment)}\nserverUrl: 42\n`,
    );
    expect(() => loadConfig(bad)).toThrow(/bad\.yaml:3 serverUrl: /);
  });
});

describe('example configs', () => {
  it.each(['kiosk', 'counter', 'display'])('%s.yaml is valid', (name) => {
    const config = loadConfig(join(import.meta.dirname, '..', 'examples', `${name}.yaml`));
    expect(config.device.kind).toBe(name);
  });
});

describe('config loader under fuzzing', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());
  const examples = ['kiosk', 'counter', 'display'].map((name) =>
    readFileSync(join(import.meta.dirname, '..', 'examples', `${name}.yaml`), 'utf8'),
  );
  const path = join(dir.path, 'fuzz.yaml');
  const onlyConfigErrors = (text: string) => {
    writeFileSync(path, text);
    try {
      loadConfig(path);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      expect(e.message).toMatch(/^Cấu hình thiết bị không hợp lệ .+ \/ invalid agent configuration .+/s);
    }
  };

  it('an alias to nowhere, an alias bomb or an unknown tag is a ConfigError', () => {
    onlyConfigErrors('device: *nowhere\n');
    writeFileSync(path, 'serverUrl: !env SERVER_URL\n');
    expect(() => loadConfig(path)).toThrow(/Unresolved tag: !env/);
    writeFileSync(path, yamlAliasBomb());
    expect(() => loadConfig(path)).toThrow(/Excessive alias count/);
  });

  it('the example files with random lines cut, duplicated or garbled give only ConfigErrors', () => {
    fc.assert(
      fc.property(fc.nat({ max: examples.length - 1 }), lineEdits, (which, edits) =>
        onlyConfigErrors(applyLineEdits(examples[which]!, edits)),
      ),
      { numRuns: 300 },
    );
  });
});
