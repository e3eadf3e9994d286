/**
 * `npm run hub:enroll` with an external broker: the Mosquitto password file it writes (checked
 * against `mosquitto_passwd`'s own lines), the ACL and configuration it prints, run by a real
 * Mosquitto in front of a hub on a real PostgreSQL. A site feeds; it cannot publish as another; a
 * wrong password is refused; re-enrolment revokes the old secret at Mosquitto's reload (SIGHUP), and
 * the connection made with it is dropped.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LightSite } from '@oss/hub/light-site';
import { hasPostgres } from '@oss/hub/testing';
import { FeedBatch, hubTopics, validate } from '@oss/protocol';
import { hasMosquitto, run } from '@oss/queue-server/testing';
import { freePort, tempDir, waitFor } from '@oss/tests';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestHub } from './harness.ts';
import { type Creds, hubEnroll, hubMosquitto, teardown, testPostgres } from './mosquitto-hub.ts';

const dir = tempDir('oss-hub-mosq-enroll-');
const cleanup = teardown(dir);
afterAll(cleanup.run);

/** `$7$<iterations>$<salt>$<hash>`: the iterations and the salt's and hash's sizes in bytes. */
function hashShape(line: string) {
  const [, kind, iterations, salt, hash] = line.slice(line.indexOf(':') + 1).split('$');
  return {
    kind,
    iterations,
    salt: Buffer.from(salt!, 'base64').length,
    hash: Buffer.from(hash!, 'base64').length,
  };
}

describe.skipIf(!hasMosquitto || !hasPostgres)('hub:enroll with Mosquitto', () => {
  it('writes the password file, prints the ACL and configuration; Mosquitto enforces them', async () => {
    const pg = await testPostgres(cleanup);
    const port = await freePort();
    const passwd = join(dir.path, 'passwd');
    const cli = {
      OSS_HUB_DATABASE_URL: pg.url,
      OSS_HUB_MQTT_URL: `mqtt://127.0.0.1:${port}`,
      OSS_HUB_MOSQUITTO_PASSWD: passwd,
      OSS_HUB_DATA_DIR: join(dir.path, 'cli'),
    };
    const hubUser = JSON.parse(await hubEnroll(['--hub-user'], cli)) as Creds;
    const a = JSON.parse(await hubEnroll(['xa-a'], cli)) as Creds & { hubUrl: string };
    const b = JSON.parse(await hubEnroll(['xa-b'], cli)) as Creds;
    expect(hubUser.username).toBe('_hub');
    expect(a).toMatchObject({ username: 'xa-a', hubUrl: cli.OSS_HUB_MQTT_URL });

    // One line per user in mosquitto_passwd's own format; the secrets themselves are not there.
    const text = readFileSync(passwd, 'utf8');
    const lines = text.trim().split('\n');
    expect(lines.map((l) => l.split(':')[0])).toEqual(['_hub', 'xa-a', 'xa-b']);
    for (const secret of [hubUser, a, b]) expect(text).not.toContain(secret.password);
    const reference = join(dir.path, 'reference');
    writeFileSync(reference, '');
    await run('mosquitto_passwd', ['-b', reference, 'someone', 'a-secret']);
    const expected = hashShape(readFileSync(reference, 'utf8').trim());
    expect(expected.kind).toBe('7');
    for (const line of lines) expect(hashShape(line)).toEqual(expected);

    const broker = cleanup.add(await hubMosquitto(dir.path, cli, port), (b) => b.stop());
    await broker.start();
    const hub = cleanup.add(
      await startTestHub(join(dir.path, 'hub'), {
        OSS_HUB_DATABASE_URL: pg.url,
        OSS_HUB_MQTT_URL: broker.url,
        OSS_HUB_MQTT_USERNAME: hubUser.username,
        OSS_HUB_MQTT_PASSWORD: hubUser.password,
      }),
      (h) => h.stop(),
    );
    const store = hub.store;
    const held = async (site: string) => (await store.findSite(site))?.last_seq;

    // Site A feeds the hub through Mosquitto.
    const siteA = cleanup.add(
      new LightSite({ site: 'xa-a', url: a.hubUrl, username: a.username, password: a.password }),
      (s) => s.stop(),
    );
    siteA.start();
    siteA.visit(Date.now());
    await waitFor(async () => (await held('xa-a')) === siteA.lastSeq, 'site A at the hub', 60_000);

    // A well-formed batch for B: Mosquitto refuses it from A (MQTT 5 says why) and the hub gets nothing.
    const forged = {
      v: 1,
      site: 'xa-b',
      from: 1,
      to: 1,
      events: [{ type: 'day.started', seq: 1, at: Date.now(), day: '2026-12-02' }],
    };
    expect(validate(FeedBatch, forged).ok).toBe(true);
    const connect = async (c: Creds) => {
      const client = await mqtt.connectAsync(broker.url, { ...c, protocolVersion: 5, reconnectPeriod: 0 });
      return cleanup.add(client, (m) => m.endAsync(true));
    };
    const asA = await connect(a);
    await expect(
      asA.publishAsync(hubTopics.feed('xa-b'), JSON.stringify(forged), { qos: 1 }),
    ).rejects.toThrow(/Not authorized/);
    // A's own feed goes on after it: once that is stored, the forged batch would have been too.
    siteA.visit(Date.now());
    await waitFor(async () => (await held('xa-a')) === siteA.lastSeq, 'site A’s second visit', 60_000);
    expect(await held('xa-b')).toBe(0);
    expect((await store.db.query("SELECT 1 FROM events WHERE site = 'xa-b'")).length).toBe(0);
    // The same batch under B's own credentials is stored: the refusal was the ACL's.
    const asB = await connect(b);
    await asB.publishAsync(hubTopics.feed('xa-b'), JSON.stringify(forged), { qos: 1 });
    await waitFor(async () => (await held('xa-b')) === 1, 'B’s own batch', 60_000);

    // A wrong password is refused.
    await expect(connect({ username: 'xa-b', password: `${b.password}x` })).rejects.toThrow(
      /Bad User Name or Password|Not authorized/i,
    );

    // Re-enrolment: the old secret works until Mosquitto reloads, then only the new one does.
    const a2 = JSON.parse(await hubEnroll(['xa-a'], cli)) as Creds;
    expect(a2.password).not.toBe(a.password);
    broker.reload();
    await waitFor(
      () =>
        connect(a).then(
          () => false,
          () => true,
        ),
      'the old secret refused after SIGHUP',
      30_000,
    );
    await connect(a2);
    // Mosquitto also drops the connection that signed in with the old secret, and refuses it again.
    await waitFor(() => !siteA.feed.state().connected, 'the old connection dropped', 30_000);
    await new Promise((r) => setTimeout(r, 3000)); // its reconnect attempts
    expect(siteA.feed.state().connected).toBe(false);
    expect(readFileSync(passwd, 'utf8').trim().split('\n').length).toBe(3);
  }, 300_000);
});
