/**
 * The site inventory: one YAML file listing the site's Raspberry Pis. Validated with TypeBox and
 * `validate` from @oss/protocol; an error names the device and the field, in Vietnamese and English.
 */
import { oneOf, validate } from '@oss/protocol';
import { ConfigError, configError, readYamlFile } from '@oss/protocol/config';
import { type Static, Type } from '@sinclair/typebox';

const Slug = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' });
const Hostname = Type.String({ pattern: '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$' });
const Cidr = Type.String({ pattern: '^\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}$' });
const Ip = Type.String({ pattern: '^\\d{1,3}(\\.\\d{1,3}){3}$' });
const Pin = Type.Integer({ minimum: 2, maximum: 27 });
const strict = { additionalProperties: false } as const;

export const Network = Type.Object(
  {
    /** `dhcp`, or a static address such as 192.168.10.21/24. */
    address: Type.Union([Type.Literal('dhcp'), Cidr]),
    gateway: Type.Optional(Ip),
    dns: Type.Optional(Type.Array(Ip, { maxItems: 4 })),
    interface: Type.Optional(oneOf('eth0', 'wlan0')),
    wifi: Type.Optional(
      Type.Object(
        {
          ssid: Type.String({ minLength: 1, maxLength: 32 }),
          password: Type.String({ minLength: 8, maxLength: 63 }),
          country: Type.String({ pattern: '^[A-Z]{2}$' }),
        },
        strict,
      ),
    ),
  },
  strict,
);

export const Hardware = Type.Object(
  {
    printer: Type.Optional(oneOf('usb', 'serial', 'none')),
    paper: Type.Optional(oneOf('80mm', '58mm')),
    scanner: Type.Optional(oneOf('serial', 'evdev', 'hid', 'none')),
    /** USB ids of the scanner (4 hex digits each): needed for the wedge udev rule. */
    scannerUsb: Type.Optional(
      Type.Object(
        {
          vendorId: Type.String({ pattern: '^[0-9a-f]{4}$' }),
          productId: Type.String({ pattern: '^[0-9a-f]{4}$' }),
        },
        strict,
      ),
    ),
    cardReader: Type.Optional(oneOf('pcsc', 'none')),
    /** Counter buttons and LEDs by BCM offset; buttons get pull-ups in config.txt. */
    buttons: Type.Optional(
      Type.Object(
        {
          next: Type.Optional(Pin),
          recall: Type.Optional(Pin),
          noShow: Type.Optional(Pin),
          rating1: Type.Optional(Pin),
          rating2: Type.Optional(Pin),
          rating3: Type.Optional(Pin),
          rating4: Type.Optional(Pin),
          rating5: Type.Optional(Pin),
        },
        strict,
      ),
    ),
    leds: Type.Optional(Type.Object({ serving: Type.Optional(Pin), rateNow: Type.Optional(Pin) }, strict)),
    counterDisplay: Type.Optional(oneOf('serial', 'none')),
    /** ALSA device for the display's call-outs, e.g. hdmi:CARD=vc4hdmi0. */
    audio: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9:=,_-]+$' })),
  },
  strict,
);

export const Device = Type.Object(
  {
    id: Slug,
    kind: oneOf('kiosk', 'counter', 'display'),
    hostname: Type.Optional(Hostname),
    /** Counter devices: the site counter they act for. */
    counter: Type.Optional(Slug),
    /** `desktop` (Raspberry Pi OS with desktop: labwc), `lite` (cage), `none` (no screen). */
    session: Type.Optional(oneOf('desktop', 'lite', 'none')),
    network: Type.Optional(Network),
    hardware: Type.Optional(Hardware),
  },
  strict,
);

export const Inventory = Type.Object(
  {
    site: Type.Object(
      {
        id: Slug,
        /** The queue server's HTTP base URL as the Pis reach it. */
        serverUrl: Type.String({ pattern: '^https?://[^\\s]+$' }),
        /** The broker URL the Pis use (mqtts:// in production). */
        mqttUrl: Type.String({ pattern: '^(mqtts?|tls)://[^\\s]+$' }),
        timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        /** Technician's SSH public keys (password SSH stays off). */
        sshAuthorizedKeys: Type.Array(Type.String({ pattern: '^(ssh-|ecdsa-)[^\\n]+$' }), { minItems: 1 }),
        /** Local Debian/Raspberry Pi OS mirror reachable without the Internet (optional). */
        aptMirror: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$' })),
        /** CA certificate (PEM) the Pis trust for mqtts:// and https://, copied next to the agent config. */
        caCertificate: Type.Optional(Type.String({ minLength: 1 })),
      },
      strict,
    ),
    /** Defaults for every device's network. */
    network: Type.Optional(Network),
    devices: Type.Array(Device, { minItems: 1 }),
  },
  strict,
);

export type Inventory = Static<typeof Inventory>;
export type InventoryDevice = Static<typeof Device>;
export type DeviceNetwork = Static<typeof Network>;

const INVENTORY_FILE = { vi: 'Tệp kiểm kê', en: 'inventory' };

/** An inventory problem: a ConfigError (@oss/protocol/config) naming the field. */
export function inventoryError(field: string, vi: string, en: string): ConfigError {
  return configError(INVENTORY_FILE, field, { vi, en });
}

/** Validates a parsed inventory; the error names the device (`devices.kiosk-1.hardware.printer`). */
export function checkInventory(value: unknown): Inventory {
  const result = validate(Inventory, value);
  if (!result.ok) {
    const field = namedPath(value, result.path);
    throw inventoryError(
      field,
      `Tệp kiểm kê sai ở "${field}": ${result.text.vi}`,
      `inventory field "${field}" is invalid: ${result.text.en}`,
    );
  }
  const inv = result.value;
  const ids = new Set<string>();
  const hosts = new Set<string>();
  const addresses = new Set<string>();
  for (const d of inv.devices) {
    const at = (f: string) => `devices.${d.id}.${f}`;
    if (ids.has(d.id))
      throw inventoryError(at('id'), `Trùng mã thiết bị "${d.id}"`, `duplicate device id "${d.id}"`);
    ids.add(d.id);
    const host = hostnameOf(d);
    if (hosts.has(host))
      throw inventoryError(at('hostname'), `Trùng tên máy "${host}"`, `duplicate hostname "${host}"`);
    hosts.add(host);
    if (d.kind === 'counter' && !d.counter)
      throw inventoryError(
        at('counter'),
        'Thiết bị quầy cần trường "counter" (mã quầy)',
        'a counter device needs "counter" (the counter id)',
      );
    if (d.kind !== 'counter' && d.counter)
      throw inventoryError(
        at('counter'),
        'Chỉ thiết bị quầy có "counter"',
        'only counter devices have "counter"',
      );
    const hw = d.hardware ?? {};
    if (d.kind !== 'counter' && (hw.buttons || hw.leds || hw.counterDisplay))
      throw inventoryError(
        at('hardware'),
        'Nút bấm, đèn và bảng số chỉ dành cho thiết bị quầy',
        'buttons, LEDs and the counter display are for counter devices only',
      );
    if (d.kind !== 'kiosk' && (hw.printer || hw.scanner || hw.cardReader))
      throw inventoryError(
        at('hardware'),
        'Máy in, máy quét và đầu đọc thẻ chỉ dành cho ki-ốt',
        'printer, scanner and card reader are for kiosks only',
      );
    if (hw.scanner === 'evdev' && !hw.scannerUsb)
      throw inventoryError(
        at('hardware.scannerUsb'),
        'Máy quét kiểu bàn phím cần vendorId/productId để ẩn khỏi màn hình',
        'a keyboard-wedge scanner needs vendorId/productId for its udev rule',
      );
    const pins = [...Object.values(hw.buttons ?? {}), ...Object.values(hw.leds ?? {})];
    const dup = pins.find((p, i) => pins.indexOf(p) !== i);
    if (dup !== undefined)
      throw inventoryError(at('hardware'), `Chân GPIO ${dup} dùng hai lần`, `GPIO pin ${dup} is used twice`);
    const net = networkOf(inv, d);
    if (net.address !== 'dhcp') {
      if (!net.gateway)
        throw inventoryError(
          at('network.gateway'),
          'Địa chỉ tĩnh cần gateway',
          'a static address needs a gateway',
        );
      const ip = net.address.split('/')[0]!;
      if (addresses.has(ip))
        throw inventoryError(at('network.address'), `Trùng địa chỉ IP ${ip}`, `duplicate IP address ${ip}`);
      addresses.add(ip);
    }
    if (net.interface === 'wlan0' && !net.wifi)
      throw inventoryError(
        at('network.wifi'),
        'Mạng Wi-Fi cần ssid và mật khẩu',
        'Wi-Fi (wlan0) needs an ssid and a password',
      );
  }
  return inv;
}

/** Turns `devices/3/hardware/printer` into `devices.kiosk-2.hardware.printer` where the id is known. */
function namedPath(value: unknown, path: string): string {
  const m = /^devices\.(\d+)(.*)$/.exec(path);
  if (!m) return path;
  const devices = (value as { devices?: unknown[] })?.devices;
  const d = Array.isArray(devices) ? (devices[Number(m[1])] as { id?: unknown } | undefined) : undefined;
  return typeof d?.id === 'string' && /^[a-z0-9][a-z0-9-]{0,62}$/.test(d.id)
    ? `devices.${d.id}${m[2]}`
    : path;
}

/** Reads the inventory file; problems carry the file and line. */
export function loadInventory(file: string): Inventory {
  const doc = readYamlFile(INVENTORY_FILE, file);
  try {
    return checkInventory(doc.value);
  } catch (e) {
    throw e instanceof ConfigError ? e.locate(file, doc.lineOf) : e;
  }
}

export function hostnameOf(d: InventoryDevice): string {
  return d.hostname ?? `oss-${d.id}`;
}

export function networkOf(inv: Inventory, d: InventoryDevice): DeviceNetwork {
  return { ...(inv.network ?? { address: 'dhcp' }), ...(d.network ?? {}) } as DeviceNetwork;
}

export function sessionOf(d: InventoryDevice): 'desktop' | 'lite' | 'none' {
  return d.session ?? (d.kind === 'counter' ? 'none' : 'desktop');
}
