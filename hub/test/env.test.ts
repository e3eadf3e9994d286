/** The hub reads its listeners under OSS_HUB_ with the site server's own reader: same checks, own names. */
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
});
