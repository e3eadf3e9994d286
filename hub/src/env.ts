/** The hub's environment variables (PROTOCOL.md §5, plus additions in docs/hub.md). */
import { resolve } from 'node:path';
import { caFile, EnvError, type ListenEnv, readListenEnv } from '@oss/queue-server/env';

export { EnvError };

export interface HubEnv extends ListenEnv {
  /** The broker URL sites are told to use (hub:enroll); defaults to the embedded broker's. */
  publicMqttUrl: string | null;
  databaseUrl: string | null;
  dataDir: string;
  /** The province's floors and sites' areas (`OSS_HUB_CONFIG`, a JSON file; docs/hub.md). */
  configFile: string | null;
  /** PEM of the CA trusted for an `mqtts://` `OSS_HUB_MQTT_URL` instead of the system CAs. */
  mqttCa: string | null;
  /** Mosquitto's password file that `hub:enroll` also writes (`OSS_HUB_MOSQUITTO_PASSWD`). */
  mosquittoPasswordFile: string | null;
}

function url(name: string, value: string | undefined, pattern: RegExp, example: string): string | null {
  if (!value) return null;
  if (!pattern.test(value))
    throw new EnvError(
      `Biến môi trường ${name} phải là địa chỉ dạng ${example}, nhận được "${value}" / ` +
        `${name} must be a URL such as ${example}, got "${value}"`,
    );
  return value;
}

export function readHubEnv(env: NodeJS.ProcessEnv = process.env): HubEnv {
  const listen = readListenEnv(env, 'OSS_HUB_', { http: 8070, mqtt: 1884 });
  return {
    ...listen,
    publicMqttUrl: url(
      'OSS_HUB_PUBLIC_URL',
      env.OSS_HUB_PUBLIC_URL,
      /^mqtts?:\/\//,
      'mqtts://hub.example.vn:8883',
    ),
    databaseUrl: url(
      'OSS_HUB_DATABASE_URL',
      env.OSS_HUB_DATABASE_URL,
      /^postgres(ql)?:\/\//,
      'postgres://hub@db/hub',
    ),
    dataDir: resolve(env.OSS_HUB_DATA_DIR || './hub-data'),
    configFile: env.OSS_HUB_CONFIG ? resolve(env.OSS_HUB_CONFIG) : null,
    mqttCa: caFile('OSS_HUB_MQTT_CA_FILE', env.OSS_HUB_MQTT_CA_FILE, 'OSS_HUB_MQTT_URL', listen.mqttUrl),
    mosquittoPasswordFile: env.OSS_HUB_MOSQUITTO_PASSWD ? resolve(env.OSS_HUB_MOSQUITTO_PASSWD) : null,
  };
}

/** The broker URL a site is given at enrolment. */
export function siteMqttUrl(env: HubEnv): string {
  return env.publicMqttUrl ?? env.mqttUrl ?? `mqtt://127.0.0.1:${env.mqttPort}`;
}
