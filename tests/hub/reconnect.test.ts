/**
 * A site reconnecting with the secret the hub process already verified costs no scrypt check; a
 * wrong secret after a right one, and a re-enrolled site's old secret, still go the slow way and are
 * refused. Through the real embedded broker, on PGlite and on a real PostgreSQL.
 */
import type { TestPostgres } from '@oss/hub/testing';
import { tempDir } from '@oss/tests';
import mqtt from 'mqtt';
import { describe, expect } from 'vitest';
import { enrolAt, onBothDatabases, startTestHub } from './harness.ts';

async function connects(url: string, username: string, password: string): Promise<boolean> {
  try {
    const client = await mqtt.connectAsync(url, { username, password, reconnectPeriod: 0 });
    await client.endAsync(true);
    return true;
  } catch {
    return false;
  }
}

async function reconnectScenario(pg: TestPostgres | null) {
  const dir = tempDir('oss-hub-reconnect-');
  const hub = await startTestHub(dir.path, pg ? { OSS_HUB_DATABASE_URL: pg.url } : {});
  try {
    const checks = hub.siteAuth!.checks;
    const first = (await enrolAt(hub, 'xa-a')).creds;
    await enrolAt(hub, 'xa-b');

    expect(await connects(hub.mqttUrl, 'xa-a', first.password)).toBe(true);
    expect(checks).toEqual({ slow: 1, fast: 0 });
    for (let i = 0; i < 3; i++) expect(await connects(hub.mqttUrl, 'xa-a', first.password)).toBe(true);
    expect(checks).toEqual({ slow: 1, fast: 3 });

    // A wrong secret after a right one is checked by scrypt and refused.
    expect(await connects(hub.mqttUrl, 'xa-a', `${first.password}x`)).toBe(false);
    expect(await connects(hub.mqttUrl, 'xa-a', '')).toBe(false);
    expect(checks).toEqual({ slow: 3, fast: 3 });
    // Another site's remembered secret opens nothing but its own.
    expect(await connects(hub.mqttUrl, 'xa-b', first.password)).toBe(false);

    // Re-enrolled: the old secret, remembered a moment ago, is refused; the new one works.
    const second = (await enrolAt(hub, 'xa-a')).creds;
    expect(await connects(hub.mqttUrl, 'xa-a', first.password)).toBe(false);
    expect(await connects(hub.mqttUrl, 'xa-a', second.password)).toBe(true);
    expect(await connects(hub.mqttUrl, 'xa-a', second.password)).toBe(true);
    expect(checks.fast).toBe(4);
  } finally {
    await hub.stop();
    dir.remove();
  }
}

describe('a site reconnecting to the hub', () => {
  onBothDatabases(
    'costs one scrypt check per process and secret, never a weaker rule',
    reconnectScenario,
    240_000,
  );
});
