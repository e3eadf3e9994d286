/**
 * The hub's rules for a production Mosquitto (`OSS_HUB_MQTT_URL`): the same as the embedded broker's
 * (`siteMayPublishToHub` / `siteMaySubscribeAtHub`), with each site's username as its id. Site
 * passwords go into Mosquitto's password file (`mosquitto_passwd`) at enrolment.
 */
import { hubTopics } from '@oss/protocol';
import { UsageError } from './admin.ts';
import { HUB_LIMITS, HUB_USERNAME } from './broker.ts';

/** `hubUser`: the hub workers' username (`OSS_HUB_MQTT_USERNAME`). */
export function hubMosquittoAcl(hubUser = HUB_USERNAME): string {
  const site = '%u';
  return [
    '# Generated: every site publishes only its own feed, info and status, and reads only its own acks.',
    `pattern write ${hubTopics.feed(site)}`,
    `pattern write ${hubTopics.info(site)}`,
    `pattern write ${hubTopics.status(site)}`,
    `pattern read ${hubTopics.ack(site)}`,
    '',
    `user ${hubUser}`,
    'topic readwrite oss/v1/+/hub/#',
    '',
  ].join('\n');
}

export interface HubMosquittoConfOptions {
  port: number;
  host?: string;
  passwordFile: string;
  aclFile: string;
  /** Where Mosquitto keeps its queued QoS 1 messages across a restart (a folder it may write). */
  persistenceDir: string;
  /** A TLS listener for the sites (all addresses): the broker's certificate and key files. */
  tls?: { port: number; certfile: string; keyfile: string };
}

/**
 * A Mosquitto configuration for the hub: the embedded broker's packet and connection limits, and
 * persistence (queued messages survive a restart; what a crash loses, the sites send again). Client
 * ids stay the clients' own: the hub's workers share one username.
 */
export function hubMosquittoConf(o: HubMosquittoConfOptions): string {
  return [
    'per_listener_settings false',
    'allow_anonymous false',
    `password_file ${o.passwordFile}`,
    `acl_file ${o.aclFile}`,
    'persistence true',
    `persistence_location ${o.persistenceDir.endsWith('/') ? o.persistenceDir : `${o.persistenceDir}/`}`,
    'autosave_interval 60',
    `max_packet_size ${HUB_LIMITS.maxPacketBytes}`,
    `listener ${o.port} ${o.host ?? '127.0.0.1'}`,
    `max_connections ${HUB_LIMITS.maxConnections}`,
    ...(o.tls
      ? [
          `listener ${o.tls.port}`,
          `max_connections ${HUB_LIMITS.maxConnections}`,
          `certfile ${o.tls.certfile}`,
          `keyfile ${o.tls.keyfile}`,
        ]
      : []),
    '',
  ].join('\n');
}

/** Where `hub:enroll -- --mosquitto-conf` points Mosquitto unless told otherwise (Debian's layout). */
export const MOSQUITTO_CONF_DEFAULTS = {
  port: 1883,
  host: '127.0.0.1',
  aclFile: '/etc/mosquitto/oss-hub.acl',
  persistenceDir: '/var/lib/mosquitto/',
};

const CONF_FLAGS = ['--port', '--host', '--acl', '--store', '--tls-port', '--certfile', '--keyfile'];

/**
 * `--mosquitto-conf [--port N] [--host H] [--acl FILE] [--store DIR] [--tls-port N --certfile F
 * --keyfile F]`: the configuration's options, with the password file `hub:enroll` writes.
 */
export function parseMosquittoConfArgs(args: string[], passwordFile: string): HubMosquittoConfOptions {
  const given = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i]!, args[i + 1]];
    if (!CONF_FLAGS.includes(flag) || value === undefined || value.startsWith('--'))
      throw new UsageError(
        `Tham số không hợp lệ "${flag}" (dùng: ${CONF_FLAGS.join(', ')}, mỗi tham số một giá trị) / ` +
          `invalid option "${flag}" (use: ${CONF_FLAGS.join(', ')}, each with a value)`,
      );
    given.set(flag, value);
  }
  const port = (flag: string, fallback: number) => {
    const n = Number(given.get(flag) ?? fallback);
    if (!Number.isInteger(n) || n < 1 || n > 65535)
      throw new UsageError(
        `${flag} phải là số cổng (1–65535), nhận được "${given.get(flag)}" / ` +
          `${flag} must be a port number (1–65535), got "${given.get(flag)}"`,
      );
    return n;
  };
  const tlsParts = ['--tls-port', '--certfile', '--keyfile'].filter((f) => given.has(f));
  if (tlsParts.length !== 0 && tlsParts.length !== 3)
    throw new UsageError(
      'Cần cả ba tham số --tls-port, --certfile và --keyfile / give all three of --tls-port, --certfile and --keyfile',
    );
  return {
    port: port('--port', MOSQUITTO_CONF_DEFAULTS.port),
    host: given.get('--host') ?? MOSQUITTO_CONF_DEFAULTS.host,
    passwordFile,
    aclFile: given.get('--acl') ?? MOSQUITTO_CONF_DEFAULTS.aclFile,
    persistenceDir: given.get('--store') ?? MOSQUITTO_CONF_DEFAULTS.persistenceDir,
    ...(tlsParts.length === 3
      ? {
          tls: {
            port: port('--tls-port', 8883),
            certfile: given.get('--certfile')!,
            keyfile: given.get('--keyfile')!,
          },
        }
      : {}),
  };
}
