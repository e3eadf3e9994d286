/** The hub reads its listeners under OSS_HUB_ with the site server's own reader: same checks, own names. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readHubEnv } from '../src/env.ts';

describe('readHubEnv', () => {
  it('reads the OSS_HUB_ listeners, with the hub defaults', () => {
    const env = readHubEnv({ OSS_HUB_HTTP_PORT: '0', OSS_HUB_SECURE_COOKIES: '1', OSS_MQTT_PORT: '9' });
    expect(env).toMatchObject({ httpPort: 0, mqttPort: 1884, secureCookies: true, mqttUrl: null });
  });

  it('refuses a broker URL that is not one, naming the hub variable', () => {
    expect(() => readHubEnv({ OSS_HUB_MQTT_URL: 'http://broker' })).toThrow(
      /OSS_HUB_MQTT_URL phải là địa chỉ broker.* \/ OSS_HUB_MQTT_URL must be a broker URL .*got "http:\/\/broker"/,
    );
  });

  it('refuses a secure-cookie switch it cannot read instead of leaving cookies insecure', () => {
    expect(() => readHubEnv({ OSS_HUB_SECURE_COOKIES: 'yes' })).toThrow(
      /OSS_HUB_SECURE_COOKIES phải là một trong: true, false, 1, 0.* \/ OSS_HUB_SECURE_COOKIES must be one of/,
    );
  });

  it('reads OSS_HUB_MQTT_CA_FILE for a TLS broker; refuses it with a plain URL, a missing or non-PEM file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oss-hub-env-'));
    try {
      const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
      writeFileSync(join(dir, 'ca.pem'), pem);
      writeFileSync(join(dir, 'key.txt'), 'not a certificate');
      const tls = { OSS_HUB_MQTT_URL: 'mqtts://broker:8883' };
      expect(readHubEnv({ ...tls, OSS_HUB_MQTT_CA_FILE: join(dir, 'ca.pem') }).mqttCa).toBe(pem);
      expect(readHubEnv(tls).mqttCa).toBeNull();
      expect(() =>
        readHubEnv({ OSS_HUB_MQTT_URL: 'mqtt://broker:1883', OSS_HUB_MQTT_CA_FILE: join(dir, 'ca.pem') }),
      ).toThrow(
        /OSS_HUB_MQTT_CA_FILE chỉ dùng với địa chỉ OSS_HUB_MQTT_URL dạng mqtts:\/\/.* \/ OSS_HUB_MQTT_CA_FILE needs/,
      );
      expect(() => readHubEnv({ OSS_HUB_MQTT_CA_FILE: join(dir, 'ca.pem') })).toThrow(/OSS_HUB_MQTT_CA_FILE/);
      expect(() => readHubEnv({ ...tls, OSS_HUB_MQTT_CA_FILE: join(dir, 'none.pem') })).toThrow(
        /Không đọc được tệp OSS_HUB_MQTT_CA_FILE .*ENOENT/,
      );
      expect(() => readHubEnv({ ...tls, OSS_HUB_MQTT_CA_FILE: join(dir, 'key.txt') })).toThrow(
        /không chứa chứng thư PEM .* holds no PEM certificate/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
