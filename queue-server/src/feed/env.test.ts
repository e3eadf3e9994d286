import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('reads OSS_HUB_CA_FILE for an mqtts:// hub, and refuses a missing file, a non-PEM file or mqtt://', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oss-ca-'));
    try {
      const link = { OSS_HUB_URL: 'mqtts://hub:8883', OSS_HUB_USERNAME: 'xa-a', OSS_HUB_PASSWORD: 'b' };
      const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
      writeFileSync(join(dir, 'ca.pem'), pem);
      writeFileSync(join(dir, 'key.txt'), 'not a certificate');
      expect(readEnv({ ...link, OSS_HUB_CA_FILE: join(dir, 'ca.pem') }).hub?.ca).toBe(pem);
      expect(() => readEnv({ ...link, OSS_HUB_CA_FILE: join(dir, 'none.pem') })).toThrow(
        /Không đọc được tệp OSS_HUB_CA_FILE .*ENOENT.* cannot read OSS_HUB_CA_FILE/,
      );
      expect(() => readEnv({ ...link, OSS_HUB_CA_FILE: join(dir, 'key.txt') })).toThrow(
        /không chứa chứng thư PEM .* holds no PEM certificate/,
      );
      expect(() =>
        readEnv({ ...link, OSS_HUB_URL: 'mqtt://hub:1884', OSS_HUB_CA_FILE: join(dir, 'ca.pem') }),
      ).toThrow(
        /OSS_HUB_CA_FILE chỉ dùng với địa chỉ OSS_HUB_URL dạng mqtts:\/\/.* needs an mqtts:\/\/ OSS_HUB_URL/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
