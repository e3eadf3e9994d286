/**
 * The production broker files with a real Mosquitto and real clients (mosquitto_pub/mosquitto_sub):
 * passwords written by `enroll` (OSS_MOSQUITTO_PASSWD, Mosquitto's $7$ format), the generated ACL;
 * each device publishes only under its own topics; a re-enrolled device's old secret is refused.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, tempDir, waitForPort } from '@oss/tests';
import { afterAll, describe, expect, it } from 'vitest';
import { enroll } from '../../queue-server/src/cli/enroll.ts';
import {
  mosquittoAcl,
  mosquittoConf,
  upsertMosquittoPassword,
} from '../../queue-server/src/mqtt/mosquitto.ts';
import { testEnv } from '../../queue-server/test/helpers.ts';
import { MOSQUITTO_DIR, productionMosquittoConf } from '../src/server.ts';

const run = promisify(execFile);
const hasOpenssl = await run('which', ['openssl']).then(
  () => true,
  () => false,
);
const hasMosquitto = await run('which', ['mosquitto', 'mosquitto_pub', 'mosquitto_sub']).then(
  () => true,
  () => false,
);
if ((!hasMosquitto || !hasOpenssl) && process.env.CI)
  throw new Error('CI must install mosquitto, mosquitto-clients and openssl');

const cleanup: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanup.reverse()) c();
});

describe.skipIf(!hasMosquitto)('production Mosquitto from the generated files', () => {
  it('each device publishes only under its own topics; re-enrolment revokes the old secret', async () => {
    const dir = tempDir('oss-prov-mosq-');
    cleanup.push(() => dir.remove());
    const port = await freePort();
    const passwd = join(dir.path, 'passwd');
    const acl = join(dir.path, 'acl');
    const conf = join(dir.path, 'mosquitto.conf');
    const env = testEnv(join(dir.path, 'data'), { OSS_MQTT_URL: `mqtt://127.0.0.1:${port}` });
    const kiosk = enroll(['kiosk-1', 'kiosk'], env, passwd);
    const counter = enroll(['counter-2', 'counter'], env, passwd);
    upsertMosquittoPassword(passwd, '_server', 'server-secret');
    expect(readFileSync(passwd, 'utf8')).toMatch(/^kiosk-1:\$7\$101\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/m);
    expect(readFileSync(passwd, 'utf8')).not.toContain(kiosk.password);
    writeFileSync(acl, mosquittoAcl('demo'));
    writeFileSync(conf, mosquittoConf({ port, passwordFile: passwd, aclFile: acl }));
    for (const f of [dir.path, passwd, acl, conf]) chmodSync(f, f === dir.path ? 0o755 : 0o644);
    const broker: ChildProcess = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
    cleanup.push(() => void broker.kill('SIGTERM'));
    await waitForPort(port);

    const base = ['-h', '127.0.0.1', '-p', String(port), '-V', 'mqttv311', '-q', '1'];
    const as = (c: { username: string; password: string }) => ['-u', c.username, '-P', c.password];
    // The server sees everything under the site: it records what actually reached the broker.
    const sub = spawn('mosquitto_sub', [
      ...base,
      ...as({ username: '_server', password: 'server-secret' }),
      '-t',
      'oss/v1/demo/#',
      '-v',
    ]);
    cleanup.push(() => void sub.kill('SIGTERM'));
    let seen = '';
    sub.stdout.on('data', (d) => (seen += d));
    await new Promise((r) => setTimeout(r, 500));

    const pub = (c: { username: string; password: string }, topic: string, message: string) =>
      run('mosquitto_pub', [...base, ...as(c), '-t', topic, '-m', message]).then(
        () => 'ok',
        (e: { stderr: string }) => `refused: ${e.stderr}`,
      );
    expect(await pub(kiosk, 'oss/v1/demo/devices/kiosk-1/req/ticket.issue', '{"id":"own-1"}')).toBe('ok');
    expect(await pub(counter, 'oss/v1/demo/devices/counter-2/req/counter.next', '{"id":"own-2"}')).toBe('ok');
    // Under another device's topics, or the site's broadcast topics: Mosquitto drops them silently.
    await pub(kiosk, 'oss/v1/demo/devices/counter-2/req/counter.next', '{"id":"spoof-1"}');
    await pub(counter, 'oss/v1/demo/devices/kiosk-1/status', '{"id":"spoof-2"}');
    await pub(kiosk, 'oss/v1/demo/calls', '{"id":"spoof-3"}');
    await pub(kiosk, 'oss/v1/demo/devices/kiosk-1/res/ticket.issue', '{"id":"spoof-4"}');
    await pub(kiosk, 'oss/v1/other-site/devices/kiosk-1/req/ticket.issue', '{"id":"spoof-5"}');
    await expect.poll(() => seen, { timeout: 5000 }).toContain('own-2');
    await new Promise((r) => setTimeout(r, 500));
    expect(seen).toContain('own-1');
    expect(seen).not.toMatch(/spoof/);

    // Re-enrolment: a new secret; after Mosquitto's reload (SIGHUP) the old one is refused.
    const again = enroll(['kiosk-1', 'kiosk'], env, passwd);
    expect(again.password).not.toBe(kiosk.password);
    broker.kill('SIGHUP');
    await new Promise((r) => setTimeout(r, 500));
    expect(await pub(kiosk, 'oss/v1/demo/devices/kiosk-1/req/ticket.issue', '{"id":"old"}')).toMatch(
      /refused: .*(not authori[sz]ed|Connection Refused)/i,
    );
    expect(await pub(again, 'oss/v1/demo/devices/kiosk-1/req/ticket.issue', '{"id":"new-1"}')).toBe('ok');
    await expect.poll(() => seen, { timeout: 5000 }).toContain('new-1');
    expect(seen).not.toContain('"old"');
    // A device never enrolled cannot connect at all.
    expect(
      await pub({ username: 'kiosk-9', password: 'x' }, 'oss/v1/demo/devices/kiosk-9/status', '{}'),
    ).toMatch(/refused/);
  }, 60_000);
});

describe.skipIf(!hasMosquitto || !hasOpenssl)('the generated production configuration', () => {
  it('serves devices over TLS on the TLS listener and the server on loopback', async () => {
    const dir = tempDir('oss-prov-tls-');
    cleanup.push(() => dir.remove());
    const tls = join(dir.path, 'tls');
    const sh = (args: string[]) => run('openssl', args, { cwd: dir.path });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(tls);
    await sh([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'tls/ca.key',
      '-out',
      'tls/ca.crt',
      '-days',
      '2',
      '-subj',
      '/CN=oss-test-ca',
    ]);
    await sh([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'tls/server.key',
      '-out',
      'tls/server.csr',
      '-subj',
      '/CN=localhost',
    ]);
    writeFileSync(join(dir.path, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    await sh([
      'x509',
      '-req',
      '-in',
      'tls/server.csr',
      '-CA',
      'tls/ca.crt',
      '-CAkey',
      'tls/ca.key',
      '-CAcreateserial',
      '-out',
      'tls/server.crt',
      '-days',
      '2',
      '-extfile',
      'san.ext',
    ]);
    const [plain, secure] = await Promise.all([freePort(), freePort()]);
    // The file install-server.sh installs, with this test's folder and ports.
    const conf = productionMosquittoConf()
      .replaceAll(MOSQUITTO_DIR, dir.path)
      .replace('listener 1883 127.0.0.1', `listener ${plain} 127.0.0.1`)
      .replace('listener 8883', `listener ${secure}`);
    expect(conf).toContain('allow_anonymous false');
    // The embedded broker's limits, and ids bound to usernames, on both listeners.
    expect(conf).toContain('max_packet_size 65536');
    expect(conf.match(/^max_connections 1024$/gm)).toHaveLength(2);
    expect(conf.match(/^use_username_as_clientid true$/gm)).toHaveLength(2);
    writeFileSync(join(dir.path, 'oss.conf'), conf);
    writeFileSync(join(dir.path, 'acl'), mosquittoAcl('demo'));
    const passwd = join(dir.path, 'passwd');
    const kiosk = enroll(['kiosk-1', 'kiosk'], testEnv(join(dir.path, 'data')), passwd);
    upsertMosquittoPassword(passwd, '_server', 'server-secret');
    for (const f of readdirSync(dir.path)) chmodSync(join(dir.path, f), 0o755);
    for (const f of readdirSync(tls)) chmodSync(join(tls, f), 0o644);
    chmodSync(dir.path, 0o755);
    const broker = spawn('mosquitto', ['-c', join(dir.path, 'oss.conf')], { stdio: 'ignore' });
    cleanup.push(() => void broker.kill('SIGTERM'));
    await waitForPort(plain);
    await waitForPort(secure);
    const pub = (args: string[]) =>
      run('mosquitto_pub', [...args, '-V', 'mqttv311', '-q', '1', '-m', '{}']).then(
        () => 'ok',
        () => 'refused',
      );
    const own = ['-t', 'oss/v1/demo/devices/kiosk-1/status', '-u', 'kiosk-1', '-P', kiosk.password];
    expect(
      await pub(['-h', 'localhost', '-p', String(secure), '--cafile', join(tls, 'ca.crt'), ...own]),
    ).toBe('ok');
    // Without TLS the TLS listener answers nothing useful; a wrong CA is refused.
    expect(await pub(['-h', '127.0.0.1', '-p', String(secure), ...own])).toBe('refused');
    expect(
      await pub([
        '-h',
        'localhost',
        '-p',
        String(secure),
        '--cafile',
        '/etc/ssl/certs/ca-certificates.crt',
        ...own,
      ]),
    ).toBe('refused');
    // The loopback listener is the server's.
    expect(
      await pub([
        '-h',
        '127.0.0.1',
        '-p',
        String(plain),
        '-u',
        '_server',
        '-P',
        'server-secret',
        '-t',
        'oss/v1/demo/calls',
      ]),
    ).toBe('ok');
  }, 60_000);
});

describe.skipIf(!hasMosquitto)('Mosquitto enforces the generated connection cap', () => {
  it('refuses a connection beyond max_connections and takes one again when a place frees', async () => {
    const dir = tempDir('oss-prov-cap-');
    cleanup.push(() => dir.remove());
    const port = await freePort();
    const [passwd, acl, conf] = ['passwd', 'acl', 'mosquitto.conf'].map((f) => join(dir.path, f)) as [
      string,
      string,
      string,
    ];
    const kiosk = enroll(['kiosk-1', 'kiosk'], testEnv(join(dir.path, 'data')), passwd);
    const display = enroll(['display-1', 'display'], testEnv(join(dir.path, 'data')), passwd);
    const counter = enroll(['counter-1', 'counter'], testEnv(join(dir.path, 'data')), passwd);
    writeFileSync(acl, mosquittoAcl('demo'));
    writeFileSync(conf, mosquittoConf({ port, passwordFile: passwd, aclFile: acl, maxConnections: 2 }));
    for (const f of [dir.path, passwd, acl, conf]) chmodSync(f, f === dir.path ? 0o755 : 0o644);
    const broker = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    cleanup.push(() => void broker.kill('SIGTERM'));
    // Up when it says so: a probe connection (waitForPort) would upset Mosquitto 2.0's count.
    await new Promise<void>((resolve) => {
      let log = '';
      broker.stderr!.on('data', (d) => {
        log += d;
        if (log.includes(' running')) resolve();
      });
    });
    const args = (c: { username: string; password: string }) => [
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-V',
      'mqttv311',
      '-u',
      c.username,
      '-P',
      c.password,
    ];
    // Two subscribers hold both places.
    const holders = [kiosk, display].map((c) =>
      spawn('mosquitto_sub', [...args(c), '-t', 'oss/v1/demo/calls'], { stdio: 'ignore' }),
    );
    cleanup.push(() => {
      for (const h of holders) h.kill('SIGTERM');
    });
    const pub = () =>
      run('mosquitto_pub', [...args(counter), '-t', 'oss/v1/demo/devices/counter-1/status', '-m', '{}']).then(
        () => 'ok',
        () => 'refused',
      );
    // Refused once both holders are in (they may take a moment on a loaded machine).
    await expect.poll(pub, { timeout: 15_000, interval: 500 }).toBe('refused');
    holders[0]!.kill('SIGTERM');
    await expect.poll(pub, { timeout: 15_000, interval: 500 }).toBe('ok');
  }, 60_000);
});
