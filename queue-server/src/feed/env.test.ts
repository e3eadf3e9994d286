import { describe, expect, it } from 'vitest';
import { EnvError, readEnv } from '../env.ts';

describe('the hub link in the site environment', () => {
  it('is off unless set, and read when all three are set', () => {
    expect(readEnv({}).hub).toBeNull();
    const env = readEnv({
      OSS_HUB_URL: 'mqtts://hub.tinh.gov.vn:8883',
      OSS_HUB_USERNAME: 'xa-a',
      OSS_HUB_PASSWORD: 's3cret',
    });
    expect(env.hub).toEqual({ url: 'mqtts://hub.tinh.gov.vn:8883', username: 'xa-a', password: 's3cret' });
  });

  it('refuses a partial set or a URL that is not MQTT, naming the variables in both languages', () => {
    expect(() => readEnv({ OSS_HUB_URL: 'mqtt://hub:1884' })).toThrow(EnvError);
    expect(() => readEnv({ OSS_HUB_URL: 'mqtt://hub:1884' })).toThrow(
      /Cần đặt cả ba biến .* set all three of OSS_HUB_URL/,
    );
    expect(() =>
      readEnv({ OSS_HUB_URL: 'http://hub', OSS_HUB_USERNAME: 'a', OSS_HUB_PASSWORD: 'b' }),
    ).toThrow(
      /OSS_HUB_URL phải là địa chỉ mqtt:\/\/ .* OSS_HUB_URL must be an mqtt:\/\/ or mqtts:\/\/ URL, got "http:\/\/hub"/,
    );
  });
});
