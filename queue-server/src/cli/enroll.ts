/**
 * `npm run enroll -- <deviceId> <kind> [--counter <counterId>]` (PROTOCOL.md §2): registers a device
 * in the site's database and prints its credentials once, as one JSON object on stdout (use `npm run -s`
 * to keep npm's own banner off stdout). A running server picks the device up at its next connection.
 */
import { DEVICE_KINDS, type DeviceKind, type Enrolment, isValidSegment } from '@oss/protocol';
import { hashPassword, randomSecret } from '../auth/secrets.ts';
import { loadSiteConfig } from '../config/load.ts';
import { deviceMqttUrl, readEnv } from '../env.ts';
import { upsertMosquittoPassword } from '../mqtt/mosquitto.ts';
import { Store } from '../storage/store.ts';

export class UsageError extends Error {}

export function parseEnrollArgs(args: string[]): {
  deviceId: string;
  kind: DeviceKind;
  counterId: string | null;
} {
  const positional: string[] = [];
  let counterId: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--counter') {
      counterId = args[++i] ?? null;
      if (!counterId) throw new UsageError('--counter cần mã quầy / --counter needs a counter id');
    } else if (arg.startsWith('--counter=')) counterId = arg.slice('--counter='.length);
    else if (arg.startsWith('--')) throw new UsageError(`Tuỳ chọn không rõ ${arg} / unknown option ${arg}`);
    else positional.push(arg);
  }
  const [deviceId, kind] = positional;
  if (!deviceId || !kind || positional.length > 2)
    throw new UsageError(
      'Cách dùng: npm run -s enroll -- <mã thiết bị> <kiosk|counter|display> [--counter <mã quầy>]\n' +
        'Usage: npm run -s enroll -- <deviceId> <kiosk|counter|display> [--counter <counterId>]',
    );
  if (!isValidSegment(deviceId))
    throw new UsageError(
      `Mã thiết bị "${deviceId}" phải khớp [a-z0-9][a-z0-9-]{0,62} / ` +
        `device id "${deviceId}" must match [a-z0-9][a-z0-9-]{0,62}`,
    );
  if (!(DEVICE_KINDS as readonly string[]).includes(kind))
    throw new UsageError(
      `Loại thiết bị phải là một trong ${DEVICE_KINDS.join(', ')}, nhận được "${kind}" / ` +
        `kind must be one of ${DEVICE_KINDS.join(', ')}, got "${kind}"`,
    );
  if (counterId && kind !== 'counter')
    throw new UsageError('--counter chỉ dành cho thiết bị quầy / --counter is only for counter devices');
  return { deviceId, kind: kind as DeviceKind, counterId };
}

/**
 * With `mosquittoPasswd` (env `OSS_MOSQUITTO_PASSWD`: a production site on Mosquitto), the new secret
 * also replaces the device's line in that Mosquitto password file, in Mosquitto's own hash format:
 * re-enrolment revokes the old secret at Mosquitto's next reload.
 */
export function enroll(
  args: string[],
  env = readEnv(),
  mosquittoPasswd: string | undefined = process.env.OSS_MOSQUITTO_PASSWD || undefined,
): Enrolment {
  const { deviceId, kind, counterId: given } = parseEnrollArgs(args);
  const config = loadSiteConfig(env.siteConfig);
  // A counter device named after its counter (counter-3) needs no --counter.
  const counterId =
    kind === 'counter' ? (given ?? (config.counters.some((c) => c.id === deviceId) ? deviceId : null)) : null;
  if (counterId && !config.counters.some((c) => c.id === counterId)) {
    const known = config.counters.map((c) => c.id).join(', ');
    throw new UsageError(
      `Không có quầy "${counterId}" (các quầy: ${known}) / unknown counter "${counterId}" (known: ${known})`,
    );
  }
  const password = randomSecret(18);
  const store = Store.open(env.dataDir);
  try {
    store.upsertDevice({
      id: deviceId,
      kind,
      counter_id: counterId,
      password_hash: hashPassword(password),
      enrolled_at: Date.now(),
    });
    store.audit(Date.now(), 'cli', 'device.enrol', { deviceId, kind, counterId });
    if (mosquittoPasswd) upsertMosquittoPassword(mosquittoPasswd, deviceId, password);
  } finally {
    store.close();
  }
  return {
    site: config.site.id,
    deviceId,
    kind,
    username: deviceId,
    password,
    mqttUrl: deviceMqttUrl(env),
    ...(counterId ? { counterId } : {}),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const enrolment = enroll(process.argv.slice(2));
    if (enrolment.kind === 'counter' && !enrolment.counterId)
      process.stderr.write(
        'Cảnh báo: thiết bị quầy này chưa gắn với quầy nào; nó chỉ hoạt động sau khi đăng ký lại với --counter / ' +
          'warning: this counter device has no counter; it cannot act until enrolled with --counter\n',
      );
    process.stdout.write(`${JSON.stringify(enrolment)}\n`);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  }
}
