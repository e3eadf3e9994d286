/**
 * Nothing personal in logs or in the database: a real server process (OSS_LOG_LEVEL=debug) and a
 * real device agent process (--simulate) take a known test citizen's CCCD (QR scan at the kiosk, and
 * `citizen.idNumber` over MQTT and HTTP), a counter calls and serves the tickets, a manager reads the
 * CSV and the dashboard routes. Then every line of both processes' output and every byte of the
 * SQLite files are searched for the 12-digit ID numbers and the name.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { qrTextOf } from '@oss/device-agent';
import { connectUi } from '@oss/device-agent/testing';
import { sampleCitizen } from '@oss/hardware';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { enroll } from '../src/cli/enroll.ts';
import { REPO_ROOT } from '../src/paths.ts';
import { connectDevice, filesUnder, freePort, okResult, signIn, tempDir, testEnv } from './helpers.ts';
import { spawnServer } from './process.ts';

/** Made-up test citizens (no real person). */
const MQTT_ID = '001088012345';
const HTTP_ID = '079199004321';
const QR_CITIZEN = sampleCitizen({
  idNumber: '001050007064',
  birthDate: '1950-01-02',
  fullName: 'Phạm Thị Hoà Bình',
});
const NAME_IN_BAD_REQUEST = 'Lê Văn Tám Bí Mật';
const SECRETS = [MQTT_ID, HTTP_ID, QR_CITIZEN.idNumber, QR_CITIZEN.fullName, NAME_IN_BAD_REQUEST];

const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

async function waitHealthy(url: string, output: () => string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not healthy: ${url}\n${output()}`);
}

describe('privacy', () => {
  it('the ID numbers and names are nowhere in the logs or the database', async () => {
    const dir = tempDir('oss-privacy-');
    cleanup.push(() => dir.remove());
    const data = join(dir.path, 'data');
    const [httpPort, mqttPort, agentPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const env = {
      OSS_DATA_DIR: data,
      OSS_HTTP_PORT: String(httpPort),
      OSS_MQTT_PORT: String(mqttPort),
      OSS_HTTP_HOST: '127.0.0.1',
      OSS_LOG_LEVEL: 'debug',
    };
    const serverEnv = testEnv(data, { OSS_MQTT_PORT: String(mqttPort) });
    const kioskCreds = enroll(['kiosk-1', 'kiosk'], serverEnv);
    const agentCreds = enroll(['kiosk-2', 'kiosk'], serverEnv);
    const counterCreds = enroll(['counter-3', 'counter'], serverEnv);
    const server = await spawnServer(env);
    cleanup.push(async () => {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    });
    const base = server.baseUrl;

    // A kiosk over MQTT: one ticket with the citizen, one refused request with a name in it.
    const kiosk = await connectDevice(`mqtt://127.0.0.1:${mqttPort}`, 'demo', kioskCreds);
    cleanup.push(() => kiosk.close());
    const issued = okResult<{ ticket: { id: string; priority: string } }>(
      await kiosk.request('ticket.issue', {
        serviceId: 'land',
        citizen: { birthDate: '1950-06-01', idNumber: MQTT_ID },
      }),
    );
    expect(issued.ticket.priority).toBe('elderly');
    const refused = await kiosk.request('ticket.issue', {
      serviceId: 'land',
      citizen: { idNumber: MQTT_ID, fullName: NAME_IN_BAD_REQUEST },
    } as never);
    expect(refused.ok).toBe(false);
    // The same over HTTP with the kiosk's credentials.
    const basic = `Basic ${Buffer.from(`${kioskCreds.username}:${kioskCreds.password}`).toString('base64')}`;
    const viaHttp = await fetch(`${base}/api/actions/ticket.issue`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/json' },
      body: JSON.stringify({ serviceId: 'civil-status', citizen: { idNumber: HTTP_ID } }),
    });
    expect(viaHttp.status).toBe(200);
    const badHttp = await fetch(`${base}/api/actions/ticket.issue`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/json' },
      body: JSON.stringify({ serviceId: 'land', citizen: { idNumber: HTTP_ID, name: NAME_IN_BAD_REQUEST } }),
    });
    expect(badHttp.status).toBe(400);

    // A real agent process in --simulate: the citizen's CCCD QR is scanned, the ticket uses it.
    const agentDir = join(dir.path, 'agent');
    const config = join(dir.path, 'agent.yaml');
    writeFileSync(
      config,
      stringify({
        device: { id: 'kiosk-2', kind: 'kiosk', site: 'demo' },
        credentials: agentCreds,
        serverUrl: base,
        dataDir: agentDir,
      }),
    );
    let agentOutput = '';
    const agent: ChildProcess = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'device-agent/src/main.ts',
        '--config',
        config,
        '--simulate',
        '--port',
        String(agentPort),
      ],
      { cwd: REPO_ROOT, env: { ...process.env, OSS_LOG_LEVEL: 'debug' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    agent.stdout!.on('data', (d) => (agentOutput += d));
    agent.stderr!.on('data', (d) => (agentOutput += d));
    const agentExit = new Promise((r) => agent.once('exit', r));
    cleanup.push(() => {
      if (agent.exitCode === null) agent.kill('SIGKILL');
    });
    const agentUrl = `http://127.0.0.1:${agentPort}`;
    await waitHealthy(`${agentUrl}/health`, () => agentOutput);
    const ui = await connectUi(agentPort);
    cleanup.push(() => ui.close());
    await ui.next('hello');
    await ui.next('connection', (m) => m.online, 20_000);
    const scan = await fetch(`${agentUrl}/sim/scan`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: qrTextOf(QR_CITIZEN) }),
    });
    expect(scan.status).toBeLessThan(300);
    const identity = await ui.next('identity');
    expect(identity.identity).toMatchObject({ maskedId: '0010****7064', source: 'qr' });
    ui.send({ type: 'ticket.issue', requestId: 'qr-1', serviceId: 'land', lang: 'vi', useIdentity: true });
    const fromQr = await ui
      .next('ticket', (m) => m.requestId === 'qr-1', 20_000)
      .catch((e) => {
        throw new Error(`${e}: ${JSON.stringify(ui.messages).slice(0, 3000)}\n${agentOutput.slice(-3000)}`);
      });
    expect(JSON.stringify(fromQr)).toContain('elderly');

    // A counter calls and serves; the citizen rates.
    const counter = await connectDevice(`mqtt://127.0.0.1:${mqttPort}`, 'demo', counterCreds);
    cleanup.push(() => counter.close());
    for (let i = 0; i < 3; i++) {
      const next = await counter.request('counter.next', { counterId: 'counter-3' });
      expect(next.ok).toBe(true);
    }
    expect((await counter.request('rating.submit', { counterId: 'counter-3', score: 5 })).ok).toBe(true);

    // The manager's views: the CSV, the dashboard routes, the public ticket view.
    const cookie = await signIn(base, 'manager', 'demo-manager');
    const day = new Date().toISOString().slice(0, 10);
    const seen: string[] = [];
    for (const path of [
      '/api/reports/tickets.csv',
      `/api/reports/tickets.csv?day=${day}`,
      '/api/kpis',
      `/api/kpis?day=${day}`,
      `/api/reports?period=year&year=${day.slice(0, 4)}`,
      '/api/advice',
      '/api/devices',
      '/api/stats/hourly',
      '/api/queue',
      '/api/counters/counter-3/console',
      `/api/tickets/${issued.ticket.id}`,
    ]) {
      const res = await fetch(`${base}${path}`, { headers: { cookie } });
      expect([200, 400]).toContain(res.status);
      seen.push(await res.text());
    }
    expect(seen[0]!.trim().split('\n').length).toBeGreaterThanOrEqual(4); // header + the 3 tickets
    const staffStream = new AbortController();
    const stream = await fetch(`${base}/api/events/staff`, {
      headers: { cookie },
      signal: staffStream.signal,
    });
    const reader = stream.body!.getReader();
    seen.push(new TextDecoder().decode((await reader.read()).value));
    staffStream.abort();

    // Stop both processes cleanly (the WAL is checkpointed into the file).
    ui.close();
    agent.kill('SIGTERM');
    await agentExit;
    await kiosk.close();
    await counter.close();
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);

    const logs = `${server.output()}\n${agentOutput}`;
    expect(logs.split('\n').length).toBeGreaterThan(10); // debug logging really ran
    expect(logs).toContain('kiosk-2'); // and the search can find what is in it
    const dbBytes = filesUnder(data).map((f) => readFileSync(f));
    const agentBytes = filesUnder(agentDir).map((f) => readFileSync(f));
    const everything = Buffer.concat([...dbBytes, ...agentBytes]);
    for (const secret of SECRETS) {
      expect(logs.includes(secret), `"${secret}" in the logs`).toBe(false);
      expect(
        seen.some((s) => s.includes(secret)),
        `"${secret}" in an HTTP answer`,
      ).toBe(false);
      expect(everything.includes(Buffer.from(secret, 'utf8')), `"${secret}" in the SQLite files`).toBe(false);
    }
    // The masked forms (last 4 digits only) are stored: the citizens' data did arrive. (The agent sends the server only
    // the QR citizen's birth date, so that one has no masked form on the server.)
    const db = Buffer.concat(dbBytes);
    for (const masked of ['********2345', '********4321'])
      expect(db.includes(Buffer.from(masked)), masked).toBe(true);
    expect(db.toString('latin1')).not.toMatch(/\d{4}\*{4}\d{4}/);
  }, 120_000);
});
