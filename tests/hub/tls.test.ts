/**
 * A site feeds its hub over mqtts:// with the province's own CA (OSS_HUB_CA_FILE): the hub's embedded
 * broker behind a real TLS terminator (node:tls, as stunnel or HAProxy would be), with a certificate
 * made by openssl here. A feed that trusts another CA is refused and delivers nothing.
 */
import { readFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import type { RunningHub } from '@oss/hub';
import { LightSite } from '@oss/hub/light-site';
import type { RunningServer } from '@oss/queue-server';
import { tempDir, waitFor } from '@oss/tests';
import { afterAll, describe, expect, it } from 'vitest';
import { makeCa, makeServerCert } from './certs.ts';
import { enrolAt, lastSeq, startTestHub, startTestServer } from './harness.ts';

const dir = tempDir('oss-hub-tls-');
const siteDir = tempDir('oss-site-tls-');
let hub: RunningHub | null = null;
let terminator: TlsServer | null = null;
let server: RunningServer | null = null;
let stranger: LightSite | null = null;

afterAll(async () => {
  await stranger?.stop();
  await server?.stop();
  terminator?.close();
  await hub?.stop();
  dir.remove();
  siteDir.remove();
});

/** TLS on a free port, each connection piped to the broker's plain port. */
function startTerminator(tls: { key: Buffer; cert: Buffer }, brokerPort: number): Promise<number> {
  terminator = createTlsServer(tls, (secure) => {
    const plain = tcpConnect(brokerPort, '127.0.0.1');
    secure.pipe(plain).pipe(secure);
    const end = () => {
      secure.destroy();
      plain.destroy();
    };
    secure.on('error', end).on('close', end);
    plain.on('error', end).on('close', end);
  });
  terminator.on('tlsClientError', () => {});
  return new Promise((resolve) =>
    terminator!.listen(0, '127.0.0.1', () => resolve((terminator!.address() as { port: number }).port)),
  );
}

describe('the feed over TLS with a custom CA', () => {
  it('delivers with OSS_HUB_CA_FILE naming the hub’s CA; a feed trusting another CA is refused', async () => {
    const provinceCa = makeCa(dir.path, 'province');
    const otherCa = makeCa(dir.path, 'other');
    hub = await startTestHub(dir.path);
    const files = makeServerCert(dir.path, 'province');
    const tls = { key: readFileSync(files.keyfile), cert: readFileSync(files.certfile) };
    const tlsPort = await startTerminator(tls, Number(new URL(hub.mqttUrl).port));
    const url = `mqtts://127.0.0.1:${tlsPort}`;

    const { creds } = await enrolAt(hub!, 'demo');
    server = await startTestServer(siteDir.path, {
      OSS_HUB_URL: url,
      OSS_HUB_USERNAME: creds.username,
      OSS_HUB_PASSWORD: creds.password,
      OSS_HUB_CA_FILE: provinceCa,
    });
    await waitFor(
      async () => (await hub!.store.findSite('demo'))?.last_seq === lastSeq(siteDir.path),
      'the site’s events at the hub over TLS',
      120_000,
    );
    expect(lastSeq(siteDir.path)).toBeGreaterThan(0);

    const other = await enrolAt(hub!, 'xa-wrong-ca');
    stranger = new LightSite({
      site: 'xa-wrong-ca',
      url,
      username: other.creds.username,
      password: other.creds.password,
      ca: readFileSync(otherCa, 'utf8'),
    });
    stranger.start();
    stranger.visit(Date.now());
    await new Promise((r) => setTimeout(r, 5000)); // several reconnect attempts
    expect(stranger.feed.state().connected).toBe(false);
    expect((await hub!.store.findSite('xa-wrong-ca'))?.last_seq).toBe(0);
  }, 300_000);
});
