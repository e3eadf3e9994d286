/** The environment variables of PROTOCOL.md §1, plus additions (documented in docs/configuration.md). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEMO_SITE_CONFIG } from './config/load.ts';
import type { HubLink } from './feed/feed.ts';
import { LOG_LEVELS, type LogLevel } from './log.ts';
import { defaultCitizenKeyPath } from './storage/citizen-key.ts';

/** The listeners and the broker link a site server and a hub both have, each under its own prefix. */
export interface ListenEnv {
  httpPort: number;
  httpHost: string;
  mqttPort: number;
  /** An external broker (Mosquitto, EMQX) instead of the embedded one. */
  mqttUrl: string | null;
  mqttUsername: string | null;
  mqttPassword: string | null;
  /** Mark session cookies Secure: set when HTTPS terminates in front of the server. */
  secureCookies: boolean;
}

export interface ServerEnv extends ListenEnv {
  dataDir: string;
  siteConfig: string;
  logLevel: LogLevel;
  /** The citizen-hash key (storage/citizen-key.ts): never in the database or its backups. */
  citizenKeyFile: string;
  /** The province hub to feed (PROTOCOL.md §5), when OSS_HUB_URL is set. */
  hub: HubLink | null;
}

/** A bad OSS_* variable: `npm start` and the technician tools print its message for a person. */
export class EnvError extends Error {}

/** A port number from an environment variable (also the hub's). */
export function port(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  // An empty value is a template gone wrong, not "the default".
  const n = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n <= 65535))
    throw new EnvError(
      `Biến môi trường ${name} phải là số cổng (0–65535), nhận được "${value}" / ` +
        `${name} must be a port number (0–65535), got "${value}"`,
    );
  return n;
}

const SWITCHES = ['true', 'false', '1', '0'] as const;

/** A variable with a few allowed values; unset or empty gives `fallback`. */
function oneOf<T extends string>(
  name: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined || value === '') return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  const list = allowed.join(', ');
  throw new EnvError(
    `Biến môi trường ${name} phải là một trong: ${list}; nhận được "${value}" / ${name} must be one of: ${list}; got "${value}"`,
  );
}

/**
 * `${prefix}HTTP_PORT`, `_HTTP_HOST`, `_MQTT_PORT`, `_MQTT_URL`, `_MQTT_USERNAME`, `_MQTT_PASSWORD` and
 * `_SECURE_COOKIES`: `OSS_` for a site server, `OSS_HUB_` for a hub.
 */
export function readListenEnv(
  env: NodeJS.ProcessEnv,
  prefix: string,
  ports: { http: number; mqtt: number },
): ListenEnv {
  const name = (suffix: string) => `${prefix}${suffix}`;
  const url = env[name('MQTT_URL')] || null;
  if (url && !/^(mqtts?|tcp|tls|wss?):\/\//.test(url))
    throw new EnvError(
      `Biến môi trường ${name('MQTT_URL')} phải là địa chỉ broker, ví dụ mqtt://127.0.0.1:1883, nhận được "${url}" / ` +
        `${name('MQTT_URL')} must be a broker URL such as mqtt://127.0.0.1:1883, got "${url}"`,
    );
  return {
    httpPort: port(name('HTTP_PORT'), env[name('HTTP_PORT')], ports.http),
    httpHost: env[name('HTTP_HOST')] || '0.0.0.0',
    mqttPort: port(name('MQTT_PORT'), env[name('MQTT_PORT')], ports.mqtt),
    mqttUrl: url,
    mqttUsername: env[name('MQTT_USERNAME')] || null,
    mqttPassword: env[name('MQTT_PASSWORD')] || null,
    secureCookies: ['true', '1'].includes(
      oneOf(name('SECURE_COOKIES'), env[name('SECURE_COOKIES')], SWITCHES, 'false'),
    ),
  };
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): ServerEnv {
  const dataDir = resolve(env.OSS_DATA_DIR || './data');
  return {
    ...readListenEnv(env, 'OSS_', { http: 8080, mqtt: 1883 }),
    dataDir,
    siteConfig: env.OSS_SITE_CONFIG ? resolve(env.OSS_SITE_CONFIG) : DEMO_SITE_CONFIG,
    logLevel: oneOf('OSS_LOG_LEVEL', env.OSS_LOG_LEVEL, LOG_LEVELS, 'info'),
    citizenKeyFile: env.OSS_CITIZEN_KEY_FILE
      ? resolve(env.OSS_CITIZEN_KEY_FILE)
      : defaultCitizenKeyPath(dataDir),
    hub: hubLink(env),
  };
}

/** OSS_HUB_URL, OSS_HUB_USERNAME and OSS_HUB_PASSWORD: all three, or none. */
function hubLink(env: NodeJS.ProcessEnv): HubLink | null {
  const [url, username, password] = [env.OSS_HUB_URL, env.OSS_HUB_USERNAME, env.OSS_HUB_PASSWORD];
  if (!url && !username && !password) return null;
  if (!url || !username || !password)
    throw new EnvError(
      'Cần đặt cả ba biến OSS_HUB_URL, OSS_HUB_USERNAME và OSS_HUB_PASSWORD (từ npm run hub:enroll) / ' +
        'set all three of OSS_HUB_URL, OSS_HUB_USERNAME and OSS_HUB_PASSWORD (from npm run hub:enroll)',
    );
  if (!/^mqtts?:\/\//.test(url))
    throw new EnvError(
      `Biến môi trường OSS_HUB_URL phải là địa chỉ mqtt:// hoặc mqtts://, nhận được "${url}" / ` +
        `OSS_HUB_URL must be an mqtt:// or mqtts:// URL, got "${url}"`,
    );
  const ca = caFile('OSS_HUB_CA_FILE', env.OSS_HUB_CA_FILE, 'OSS_HUB_URL', url);
  return { url, username, password, ...(ca ? { ca } : {}) };
}

/**
 * A CA file for a TLS broker link (`OSS_HUB_CA_FILE` on a site, `OSS_HUB_MQTT_CA_FILE` on the hub):
 * its PEM text, trusted instead of the system CAs. `name` and `urlName` are the variables, for errors.
 */
export function caFile(
  name: string,
  file: string | undefined,
  urlName: string,
  url: string | null,
): string | null {
  if (!file) return null;
  if (!url || !/^(mqtts|tls|wss):\/\//.test(url))
    throw new EnvError(
      `${name} chỉ dùng với địa chỉ ${urlName} dạng mqtts://, nhận được "${url ?? ''}" / ` +
        `${name} needs an mqtts:// ${urlName}, got "${url ?? ''}"`,
    );
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (e) {
    throw new EnvError(
      `Không đọc được tệp ${name} "${file}" (${(e as NodeJS.ErrnoException).code}) / ` +
        `cannot read ${name} "${file}" (${(e as NodeJS.ErrnoException).code})`,
    );
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    throw new EnvError(
      `Tệp ${name} "${file}" không chứa chứng thư PEM (-----BEGIN CERTIFICATE-----) / ` +
        `${name} "${file}" holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
    );
  return pem;
}

/** The broker URL devices are told to use. */
export function deviceMqttUrl(env: ServerEnv): string {
  return env.mqttUrl ?? `mqtt://127.0.0.1:${env.mqttPort}`;
}
