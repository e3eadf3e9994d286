/** The hub's environment variables (PROTOCOL.md §5, plus additions in docs/hub.md). */
import { resolve } from 'node:path';
import { EnvError, port } from '@oss/queue-server/env';

export { EnvError };

export interface HubEnv {
  httpPort: number;
  httpHost: string;
  mqttPort: number;
  /** An external broker (Mosquitto, EMQX) instead of the embedded one. */
  mqttUrl: string | null;
  mqttUsername: string | null;
  mqttPassword: string | null;
  /** The broker URL sites are told to use (hub:enroll); defaults to the embedded broker's. */
  publicMqttUrl: string | null;
  databaseUrl: string | null;
  dataDir: string;
  secureCookies: boolean;
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
  return {
    httpPort: port('OSS_HUB_HTTP_PORT', env.OSS_HUB_HTTP_PORT, 8070),
    httpHost: env.OSS_HUB_HTTP_HOST || '0.0.0.0',
    mqttPort: port('OSS_HUB_MQTT_PORT', env.OSS_HUB_MQTT_PORT, 1884),
    mqttUrl: url('OSS_HUB_MQTT_URL', env.OSS_HUB_MQTT_URL, /^(mqtts?|tcp|tls):\/\//, 'mqtt://127.0.0.1:1883'),
    mqttUsername: env.OSS_HUB_MQTT_USERNAME || null,
    mqttPassword: env.OSS_HUB_MQTT_PASSWORD || null,
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
    secureCookies: env.OSS_HUB_SECURE_COOKIES === '1' || env.OSS_HUB_SECURE_COOKIES === 'true',
  };
}

/** The broker URL a site is given at enrolment. */
export function siteMqttUrl(env: HubEnv): string {
  return env.publicMqttUrl ?? env.mqttUrl ?? `mqtt://127.0.0.1:${env.mqttPort}`;
}
