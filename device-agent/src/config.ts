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
import {
  type Static,
  type TLiteral,
  type TObject,
  type TProperties,
  type TSchema,
  Type,
} from '@sinclair/typebox';

export { ConfigError };

const strict = { additionalProperties: false } as const;
const Port = Type.Integer({ minimum: 0, maximum: 65535 });
const Bcm = Type.Integer({ minimum: 0, maximum: 57 });
const Text = Type.String({ minLength: 1 });
const BaudRate = Type.Integer({ minimum: 1200 });

/** One strict object per driver: the fields a driver needs are required, the others refused. */
const driver = <const D extends string, P extends TProperties = Record<never, never>>(
  name: D,
  fields: P = {} as P,
) => Type.Object({ driver: Type.Literal(name), ...fields }, strict);

const PrinterCommon = {
  paper: Type.Optional(oneOf('58mm', '80mm')),
  statusTimeoutMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 10_000 })),
};
const PrinterSection = Type.Union([
  /** `path`: `/dev/usb/lp0`. */
  driver('file', { path: Text, ...PrinterCommon }),
  /** `path`: `/dev/serial/by-id/…`. */
  driver('serial', { path: Text, baudRate: Type.Optional(BaudRate), ...PrinterCommon }),
  driver('tcp', { host: Text, port: Type.Optional(Port), ...PrinterCommon }),
  driver('simulator', PrinterCommon),
  driver('none'),
]);

const UsbId = Type.Integer({ minimum: 0, maximum: 0xffff });
const ScannerSection = Type.Union([
  driver('serial', { path: Text, baudRate: Type.Optional(BaudRate) }),
  driver('evdev', { path: Text }),
  driver('hid', { path: Text }),
  driver('hid', { vendorId: UsbId, productId: UsbId }),
  driver('simulator'),
  driver('none'),
]);

/** PEM files of the CSCA certificates; without them chip data is read but marked unverified. */
const TrustAnchors = Type.Optional(Type.Array(Text));
const CardReaderSection = Type.Union([
  /** `prefer`: a regular expression matched against PC/SC reader names. */
  driver('pcsc', { prefer: Type.Optional(Text), trustAnchors: TrustAnchors }),
  driver('simulator', { trustAnchors: TrustAnchors }),
  driver('none'),
]);

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
/** LEDs by name, BCM offsets. `serving` lights while a ticket is at the counter, `rateNow` asks for a rating. */
const Leds = Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]{0,31}$' }), Bcm));
const GpioSection = Type.Union([
  driver('gpio', {
    /** BCM offsets (the chip base is added at run time). */
    buttons: Type.Optional(ButtonPins),
    leds: Leds,
    debounceMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    activeLow: Type.Optional(Type.Boolean()),
  }),
  /** The simulated panel has the LEDs named here besides `serving` and `rateNow`. */
  driver('simulator', { leds: Leds }),
  driver('none'),
]);

const CounterDisplaySection = Type.Union([
  driver('serial', { path: Text, baudRate: Type.Optional(BaudRate) }),
  driver('simulator'),
  driver('none'),
]);

const Player = {
  /** Folder of the WAV clips (default: device-agent/audio/vi). */
  clipsDir: Type.Optional(Text),
  /** aplay's ALSA device (`-D`, e.g. `hdmi:CARD=vc4hdmi0`), pw-play's `--target`. */
  device: Type.Optional(Text),
};
const AudioSection = Type.Union([
  driver('aplay', Player),
  driver('pw-play', Player),
  driver('simulator'),
  driver('none'),
]);

const Frames = {
  /** Frames per second (default 2; the model analyses at most ~2.5/s). */
  fps: Type.Optional(Type.Number({ minimum: 0.1, maximum: 30 })),
  /** Estimates below this confidence are not sent (default 0.2). */
  minConfidence: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
};
const Size = {
  width: Type.Optional(Type.Integer({ minimum: 64, maximum: 4096 })),
  height: Type.Optional(Type.Integer({ minimum: 64, maximum: 4096 })),
};
const CameraSection = Type.Union([
  /** The Pi camera (rpicam-vid). */
  driver('rpicam', { ...Size, ...Frames }),
  /** A USB camera through ffmpeg; `device` defaults to /dev/video0. */
  driver('v4l2', { device: Type.Optional(Text), ...Size, ...Frames }),
  /** Image files or folders of .jpg/.jpeg/.png as frames, cycled in order (--simulate, tests). */
  driver('files', { files: Type.Array(Text, { minItems: 1 }), ...Frames }),
  driver('none'),
]);

/** The hardware sections by name: each a union of one object per `driver`. */
const Hardware = Type.Object(
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
    hardware: Type.Optional(Hardware),
  },
  strict,
);
export type AgentConfig = Static<typeof AgentConfigSchema>;
export type HardwareConfig = Static<typeof Hardware>;
/** A camera that is configured (the estimator's input). */
export type CameraConfig = Exclude<Static<typeof CameraSection>, { driver: 'none' }>;

/** The agent's configuration problems: `ConfigError` of @oss/protocol/config, the field named. */
const AGENT_FILE = { vi: 'Cấu hình thiết bị', en: 'agent configuration' };
const agentConfigError = (field: string, text: LocalizedText) => configError(AGENT_FILE, field, text);
const bad = (field: string, vi: string, en: string): never => {
  throw agentConfigError(field, { vi: `trường "${field}" ${vi}`, en: `field "${field}" ${en}` });
};

type SectionName = keyof typeof Hardware.properties;
const driverOf = (branch: TObject) => (branch.properties.driver as TLiteral<string>).const;
const required = (branch: TObject) => (branch.required ?? []).filter((key) => key !== 'driver');

/**
 * The document with only the `driver` of each hardware section checked: the union's own error
 * would name the section, not the field, so each section is then checked against its driver's object.
 */
const Outline: TSchema = {
  ...AgentConfigSchema,
  properties: {
    ...AgentConfigSchema.properties,
    hardware: Type.Optional(
      Type.Object(
        Object.fromEntries(
          Object.entries(Hardware.properties).map(([name, section]) => [
            name,
            Type.Optional(Type.Object({ driver: oneOf(...section.anyOf.map(driverOf)) })),
          ]),
        ),
        strict,
      ),
    ),
  },
};

/** A section's fields for its driver, all optional, at their place in the document (errors name the full path). */
const sectionShapes = new Map<string, TSchema>();
function sectionShape(name: SectionName, branches: TObject[]): TSchema {
  const key = `${name}:${driverOf(branches[0]!)}`;
  let shape = sectionShapes.get(key);
  if (!shape) {
    const fields = Object.assign({}, ...branches.map((b) => b.properties)) as TProperties;
    const optional = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Type.Optional(v)]));
    shape = Type.Object({ hardware: Type.Object({ [name]: Type.Object(optional, strict) }) });
    sectionShapes.set(key, shape);
  }
  return shape;
}

/**
 * One hardware section against the object(s) of its driver: a field of another driver is named as
 * such, then types and ranges, then the fields this driver requires.
 */
function checkSection(name: SectionName, section: { driver: string } & Record<string, unknown>): void {
  const at = `hardware.${name}`;
  const all = Hardware.properties[name].anyOf as TObject[];
  const branches = all.filter((b) => driverOf(b) === section.driver);
  for (const key of Object.keys(section)) {
    if (branches.some((b) => Object.hasOwn(b.properties, key))) continue;
    const users = [...new Set(all.filter((b) => Object.hasOwn(b.properties, key)).map(driverOf))];
    if (users.length)
      bad(
        `${at}.${key}`,
        `chỉ dùng khi driver là ${users.join(' hoặc ')}`,
        `is only for the ${users.join(' or ')} driver`,
      );
  }
  const checked = validate(sectionShape(name, branches), { hardware: { [name]: section } });
  if (!checked.ok) throw agentConfigError(checked.path, checked.text);
  const missing = branches.map((b) => required(b).filter((key) => section[key] === undefined));
  if (missing.some((m) => m.length === 0)) return;
  const field = `${at}.${missing[0]![0]}`;
  const others = branches.slice(1).map((b) => required(b).join(' + '));
  bad(
    field,
    `${others.map((o) => `hoặc ${o} `).join('')}là bắt buộc khi driver là ${section.driver}`,
    `${others.map((o) => `or ${o} `).join('')}is required for the ${section.driver} driver`,
  );
}

/** Validates a parsed configuration; throws ConfigError naming the field. */
export function checkConfig(value: unknown): AgentConfig {
  const outlined = validate(Outline, value);
  if (!outlined.ok) throw agentConfigError(outlined.path, outlined.text);
  const sections = (value as { hardware?: Record<SectionName, { driver: string }> }).hardware ?? {};
  for (const [name, section] of Object.entries(sections))
    checkSection(name as SectionName, section as { driver: string } & Record<string, unknown>);
  const c = value as AgentConfig;
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
    ...(camera?.driver === 'files'
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
