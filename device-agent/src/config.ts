/**
 * The agent's configuration file (YAML or JSON), validated with TypeBox + `validate` from
 * @oss/protocol. Every error names the bad field (and its line, read from a file). `credentials` is the JSON printed by
 * `npm run -s enroll -- <id> <kind>` as is.
 */
import { dirname, resolve } from 'node:path';
import {
  AGENT_DEFAULT_PORT,
  DEVICE_KINDS,
  Enrolment,
  isKnownTimeZone,
  isValidSegment,
  type LocalizedText,
  oneOf,
  validate,
} from '@oss/protocol';
import { ConfigError, configError, readYamlFile } from '@oss/protocol/config';
import { type Static, Type } from '@sinclair/typebox';

export { ConfigError };

const strict = { additionalProperties: false } as const;
const Port = Type.Integer({ minimum: 0, maximum: 65535 });
const Bcm = Type.Integer({ minimum: 0, maximum: 57 });
const Text = Type.String({ minLength: 1 });
const BaudRate = Type.Integer({ minimum: 1200 });

const PrinterSection = Type.Object(
  {
    driver: oneOf('file', 'serial', 'tcp', 'simulator', 'none'),
    /** `/dev/usb/lp0` (file) or `/dev/serial/by-id/…` (serial). */
    path: Type.Optional(Text),
    baudRate: Type.Optional(BaudRate),
    host: Type.Optional(Text),
    port: Type.Optional(Port),
    paper: Type.Optional(oneOf('58mm', '80mm')),
    statusTimeoutMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 10_000 })),
  },
  strict,
);

const ScannerSection = Type.Object(
  {
    driver: oneOf('serial', 'evdev', 'hid', 'simulator', 'none'),
    path: Type.Optional(Text),
    baudRate: Type.Optional(BaudRate),
    vendorId: Type.Optional(Type.Integer({ minimum: 0, maximum: 0xffff })),
    productId: Type.Optional(Type.Integer({ minimum: 0, maximum: 0xffff })),
  },
  strict,
);

const CardReaderSection = Type.Object(
  {
    driver: oneOf('pcsc', 'simulator', 'none'),
    /** Regular expression matched against PC/SC reader names. */
    prefer: Type.Optional(Text),
    /** PEM files of the CSCA certificates; without them chip data is read but marked unverified. */
    trustAnchors: Type.Optional(Type.Array(Text)),
  },
  strict,
);

const ButtonPins = Type.Object(
  {
    next: Type.Optional(Bcm),
    recall: Type.Optional(Bcm),
    noShow: Type.Optional(Bcm),
    rating1: Type.Optional(Bcm),
    rating2: Type.Optional(Bcm),
    rating3: Type.Optional(Bcm),
    rating4: Type.Optional(Bcm),
    rating5: Type.Optional(Bcm),
  },
  strict,
);

const GpioSection = Type.Object(
  {
    driver: oneOf('gpio', 'simulator', 'none'),
    /** BCM offsets (the chip base is added at run time). */
    buttons: Type.Optional(ButtonPins),
    /** LEDs by name, BCM offsets. `serving` lights while a ticket is at the counter, `rateNow` asks for a rating. */
    leds: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]{0,31}$' }), Bcm)),
    debounceMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    activeLow: Type.Optional(Type.Boolean()),
  },
  strict,
);

const CounterDisplaySection = Type.Object(
  {
    driver: oneOf('serial', 'simulator', 'none'),
    path: Type.Optional(Text),
    baudRate: Type.Optional(BaudRate),
  },
  strict,
);

const AudioSection = Type.Object(
  {
    driver: oneOf('aplay', 'pw-play', 'simulator', 'none'),
    /** Folder of the WAV clips (default: device-agent/audio/vi). */
    clipsDir: Type.Optional(Text),
    /** ALSA device for aplay (`-D`), e.g. `hdmi:CARD=vc4hdmi0`. */
    device: Type.Optional(Text),
  },
  strict,
);

const CameraSection = Type.Object(
  {
    /** `rpicam` (Pi camera, rpicam-vid), `v4l2` (USB camera through ffmpeg), `files` (image files as frames: --simulate, tests), `none`. */
    driver: oneOf('rpicam', 'v4l2', 'files', 'none'),
    /** V4L2 device (default /dev/video0). */
    device: Type.Optional(Text),
    width: Type.Optional(Type.Integer({ minimum: 64, maximum: 4096 })),
    height: Type.Optional(Type.Integer({ minimum: 64, maximum: 4096 })),
    /** Frames per second (default 2; the model analyses at most ~2.5/s). */
    fps: Type.Optional(Type.Number({ minimum: 0.1, maximum: 30 })),
    /** `files` driver: image files or folders of .jpg/.jpeg/.png, cycled through in order. */
    files: Type.Optional(Type.Array(Text, { minItems: 1 })),
    /** Estimates below this confidence are not sent (default 0.2). */
    minConfidence: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  },
  strict,
);

export const AgentConfigSchema = Type.Object(
  {
    device: Type.Object(
      {
        id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }),
        kind: oneOf(...DEVICE_KINDS),
        site: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }),
        counterId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      },
      strict,
    ),
    /** The output of `npm run -s enroll`, as is. */
    credentials: Enrolment,
    /** The queue server's base URL (HTTP API, public ticket pages). */
    serverUrl: Type.String({ pattern: '^https?://[^\\s/]+(/[^\\s]*)?$' }),
    /** The site's time zone (printed times, day of a lease). */
    timeZone: Type.Optional(Text),
    /** Where the outbox, leases and API cache live (default ./agent-data). */
    dataDir: Type.Optional(Text),
    http: Type.Optional(
      Type.Object(
        {
          host: Type.Optional(Text),
          port: Type.Optional(Port),
          /** The built apps (kiosk-ui/dist by default). */
          uiDist: Type.Optional(Text),
        },
        strict,
      ),
    ),
    mqtt: Type.Optional(
      Type.Object(
        {
          requestTimeoutMs: Type.Optional(Type.Integer({ minimum: 50, maximum: 60_000 })),
          retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
          reconnectMs: Type.Optional(Type.Integer({ minimum: 50, maximum: 60_000 })),
        },
        strict,
      ),
    ),
    offline: Type.Optional(
      Type.Object(
        {
          /** Numbers leased per service (1–200). */
          leaseSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          /** Ask for a new block when fewer than this many numbers remain. */
          renewBelow: Type.Optional(Type.Integer({ minimum: 0, maximum: 200 })),
        },
        strict,
      ),
    ),
    session: Type.Optional(
      Type.Object(
        {
          /** The identity read from a card is forgotten after this long without a ticket (default 120 s). */
          idleMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: 3_600_000 })),
        },
        strict,
      ),
    ),
    hardware: Type.Optional(
      Type.Object(
        {
          printer: Type.Optional(PrinterSection),
          scanner: Type.Optional(ScannerSection),
          cardReader: Type.Optional(CardReaderSection),
          gpio: Type.Optional(GpioSection),
          counterDisplay: Type.Optional(CounterDisplaySection),
          audio: Type.Optional(AudioSection),
          camera: Type.Optional(CameraSection),
        },
        strict,
      ),
    ),
  },
  strict,
);
export type AgentConfig = Static<typeof AgentConfigSchema>;

/** The agent's configuration problems: `ConfigError` of @oss/protocol/config, the field named. */
const AGENT_FILE = { vi: 'Cấu hình thiết bị', en: 'agent configuration' };
const agentConfigError = (field: string, text: LocalizedText) => configError(AGENT_FILE, field, text);

/** Validates a parsed configuration; throws ConfigError naming the field. */
export function checkConfig(value: unknown): AgentConfig {
  const checked = validate(AgentConfigSchema, value);
  if (!checked.ok) throw agentConfigError(checked.path, checked.text);
  const c = checked.value;
  const bad = (field: string, vi: string, en: string): never => {
    throw agentConfigError(field, { vi: `trường "${field}" ${vi}`, en: `field "${field}" ${en}` });
  };
  const requiredFor = (field: string, driver: string): never =>
    bad(field, `là bắt buộc khi driver là ${driver}`, `is required for the ${driver} driver`);
  if (c.credentials.deviceId !== c.device.id)
    bad(
      'credentials.deviceId',
      `phải bằng device.id "${c.device.id}"`,
      `must equal device.id "${c.device.id}"`,
    );
  if (c.credentials.kind !== c.device.kind)
    bad(
      'credentials.kind',
      `phải bằng device.kind "${c.device.kind}"`,
      `must equal device.kind "${c.device.kind}"`,
    );
  if (c.credentials.site !== c.device.site)
    bad(
      'credentials.site',
      `phải bằng device.site "${c.device.site}"`,
      `must equal device.site "${c.device.site}"`,
    );
  if (!isValidSegment(c.credentials.username) && c.credentials.username !== c.device.id)
    bad('credentials.username', 'không phải tên thiết bị', 'is not a device name');
  if (!/^(mqtts?|tcp|tls|wss?):\/\/\S+$/.test(c.credentials.mqttUrl))
    bad(
      'credentials.mqttUrl',
      'phải là địa chỉ broker, ví dụ mqtt://127.0.0.1:1883',
      'must be a broker URL such as mqtt://127.0.0.1:1883',
    );
  if (c.device.kind === 'counter') {
    const counterId = c.device.counterId ?? c.credentials.counterId;
    if (!counterId)
      bad('device.counterId', 'là bắt buộc với thiết bị quầy', 'is required for a counter device');
    if (c.credentials.counterId && c.device.counterId && c.credentials.counterId !== c.device.counterId)
      bad(
        'device.counterId',
        `phải bằng credentials.counterId "${c.credentials.counterId}"`,
        `must equal credentials.counterId "${c.credentials.counterId}"`,
      );
  } else if (c.device.counterId)
    bad('device.counterId', 'chỉ dành cho thiết bị quầy', 'is only for counter devices');
  const hw = c.hardware ?? {};
  const p = hw.printer;
  if (p && (p.driver === 'file' || p.driver === 'serial') && !p.path)
    requiredFor('hardware.printer.path', p.driver);
  if (p?.driver === 'tcp' && !p.host) requiredFor('hardware.printer.host', 'tcp');
  const s = hw.scanner;
  if (s && (s.driver === 'serial' || s.driver === 'evdev') && !s.path)
    requiredFor('hardware.scanner.path', s.driver);
  if (s?.driver === 'hid' && !s.path && (s.vendorId === undefined || s.productId === undefined))
    bad(
      'hardware.scanner.path',
      'hoặc vendorId + productId là bắt buộc khi driver là hid',
      'or vendorId + productId is required for the hid driver',
    );
  const d = hw.counterDisplay;
  if (d?.driver === 'serial' && !d.path) requiredFor('hardware.counterDisplay.path', 'serial');
  const g = hw.gpio;
  if (g?.driver === 'gpio') {
    const used = new Map<number, string>();
    for (const [group, pins] of [
      ['buttons', g.buttons ?? {}],
      ['leds', g.leds ?? {}],
    ] as const)
      for (const [name, pin] of Object.entries(pins)) {
        if (pin === undefined) continue;
        const other = used.get(pin);
        if (other)
          bad(
            `hardware.gpio.${group}.${name}`,
            `dùng BCM ${pin}, chân này đã dành cho ${other}`,
            `uses BCM ${pin}, already used by ${other}`,
          );
        used.set(pin, `${group}.${name}`);
      }
  }
  const cam = hw.camera;
  if (cam && cam.driver !== 'none' && c.device.kind !== 'counter')
    bad('hardware.camera', 'chỉ dành cho thiết bị quầy', 'is only for counter devices');
  if (cam?.driver === 'files' && !cam.files) requiredFor('hardware.camera.files', 'files');
  if (cam?.files && cam.driver !== 'files')
    bad('hardware.camera.files', 'chỉ dùng khi driver là files', 'is only for the files driver');
  if (c.timeZone !== undefined && !isKnownTimeZone(c.timeZone))
    bad(
      'timeZone',
      `không phải múi giờ đã biết ("${c.timeZone}"; ví dụ Asia/Ho_Chi_Minh)`,
      `names no known time zone ("${c.timeZone}"; e.g. Asia/Ho_Chi_Minh)`,
    );
  const off = c.offline;
  if (off?.renewBelow !== undefined && off.renewBelow >= (off.leaseSize ?? DEFAULTS.leaseSize))
    bad('offline.renewBelow', 'phải nhỏ hơn offline.leaseSize', 'must be smaller than offline.leaseSize');
  return c;
}

/** Reads a YAML or JSON file (by content: JSON is YAML); problems carry the file and line. */
export function loadConfig(path: string): AgentConfig {
  const doc = readYamlFile(AGENT_FILE, path);
  let config: AgentConfig;
  try {
    config = checkConfig(doc.value);
  } catch (e) {
    throw e instanceof ConfigError ? e.locate(path, doc.lineOf) : e;
  }
  // Relative paths in the file are relative to the file.
  const base = dirname(resolve(path));
  const camera = config.hardware?.camera;
  return {
    ...config,
    ...(config.dataDir ? { dataDir: resolve(base, config.dataDir) } : {}),
    ...(camera?.files
      ? {
          hardware: {
            ...config.hardware,
            camera: { ...camera, files: camera.files.map((f) => resolve(base, f)) },
          },
        }
      : {}),
  };
}

export const DEFAULTS = {
  host: '127.0.0.1',
  port: AGENT_DEFAULT_PORT,
  timeZone: 'Asia/Ho_Chi_Minh',
  dataDir: './agent-data',
  requestTimeoutMs: 3000,
  retries: 2,
  reconnectMs: 1000,
  leaseSize: 50,
  renewBelow: 15,
  idleMs: 120_000,
  minConfidence: 0.2,
  cameraFps: 2,
} as const;

/** The counter this device acts for (counter devices only). */
export function counterIdOf(config: AgentConfig): string | undefined {
  return config.device.counterId ?? config.credentials.counterId;
}
