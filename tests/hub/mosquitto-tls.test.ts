/**
 * The hub's own link to an external broker over mqtts:// with the province's CA
 * (OSS_HUB_MQTT_CA_FILE): a real Mosquitto with a TLS listener and a certificate made by openssl
 * here, set up by `hub:enroll`. With the CA that signed it the hub connects and ingests; with another
 * CA it does not start, and says why.
 */
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LightSite } from '@oss/hub/light-site';
import { hasPostgres } from '@oss/hub/testing';
import { hasMosquitto } from '@oss/queue-server/testing';
import { freePort, tempDir, waitFor } from '@oss/tests';
import { afterAll, describe, expect, it } from 'vitest';
import { makeCa, makeServerCert } from './certs.ts';
import { startTestHub } from './harness.ts';
import { type Creds, hubEnroll, hubMosquitto, teardown, testPostgres } from './mosquitto-hub.ts';

const dir = tempDir('oss-hub-mosq-tls-');
const cleanup = teardown(dir);
afterAll(cleanup.run);

describe.skipIf(!hasMosquitto || !hasPostgres)('the hub’s link to Mosquitto over TLS', () => {
  it('ingests with OSS_HUB_MQTT_CA_FILE naming the broker’s CA; another CA is refused in words', async () => {
    const pg = await testPostgres(cleanup);
    const provinceCa = makeCa(dir.path, 'province');
    const otherCa = makeCa(dir.path, 'other');
    const cert = makeServerCert(dir.path, 'province');
    chmodSync(cert.keyfile, 0o644); // Mosquitto reads it after dropping root
    const [port, tlsPort] = [await freePort(), await freePort()];
    const tlsUrl = `mqtts://127.0.0.1:${tlsPort}`;
    const cli = {
      OSS_HUB_DATABASE_URL: pg.url,
      OSS_HUB_MQTT_URL: tlsUrl,
      OSS_HUB_MOSQUITTO_PASSWD: join(dir.path, 'passwd'),
      OSS_HUB_DATA_DIR: join(dir.path, 'cli'),
    };
    const hubUser = JSON.parse(await hubEnroll(['--hub-user'], cli)) as Creds;
    const demo = JSON.parse(await hubEnroll(['demo'], cli)) as Creds & { hubUrl: string };
    expect(demo.hubUrl).toBe(tlsUrl);
    const broker = await hubMosquitto(dir.path, cli, port, [
      '--tls-port',
      String(tlsPort),
      '--certfile',
      cert.certfile,
      '--keyfile',
      cert.keyfile,
    ]);
    cleanup.add(broker, (b) => b.stop());
    await broker.start();
    const hubEnv = (ca: string) => ({
      OSS_HUB_DATABASE_URL: pg.url,
      OSS_HUB_MQTT_URL: tlsUrl,
      OSS_HUB_MQTT_USERNAME: hubUser.username,
      OSS_HUB_MQTT_PASSWORD: hubUser.password,
      OSS_HUB_MQTT_CA_FILE: ca,
    });

    // Another CA: the hub refuses the broker's certificate and says what to check.
    await expect(startTestHub(join(dir.path, 'wrong'), hubEnv(otherCa))).rejects.toThrow(
      /Không kết nối được broker OSS_HUB_MQTT_URL mqtts:.*chứng thư của broker không được tin cậy, kiểm tra OSS_HUB_MQTT_CA_FILE.* \/ cannot connect to the broker .*check OSS_HUB_MQTT_CA_FILE/,
    );

    // The province's CA: the hub connects over TLS and stores what the site sends (over TLS too).
    const hub = cleanup.add(await startTestHub(join(dir.path, 'hub'), hubEnv(provinceCa)), (h) => h.stop());
    const site = cleanup.add(
      new LightSite({
        site: 'demo',
        url: demo.hubUrl,
        username: demo.username,
        password: demo.password,
        ca: readFileSync(provinceCa, 'utf8'),
      }),
      (s) => s.stop(),
    );
    site.start();
    site.visit(Date.now());
    await waitFor(
      async () => (await hub.store.findSite('demo'))?.last_seq === site.lastSeq,
      'the site’s events at the hub',
      60_000,
    );
    expect(hub.ingest.connected).toBe(true);
  }, 300_000);
});
