/**
 * SMS reminders of appointments through a real server and SQLite file: the simulated gateway, and
 * the HTTP JSON adapter against a real local HTTP server standing in for a province's SMS gateway.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import { zonedEpoch } from '@oss/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SITE_CONFIG, loadSiteConfig } from '../src/config/load.ts';
import type { RunningServer } from '../src/server.ts';
import type { SimulatedSmsGateway } from '../src/sms.ts';
import { freePort, startTestServer, tempDir } from './helpers.ts';

const TZ = 'Asia/Ho_Chi_Minh';
const MONDAY = '2026-12-07';
const at = (hhmm: string) => zonedEpoch(MONDAY, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)), TZ);
const slot = (hhmm: string) => `${MONDAY}T${hhmm}:00.000+07:00`;

/** The demo site's configuration with an `sms` section, written into `dir`. */
function siteWithSms(dir: string, sms: string): string {
  const path = join(dir, 'site.yaml');
  writeFileSync(path, `${readFileSync(DEMO_SITE_CONFIG, 'utf8')}\nsms:\n${sms}`);
  // The announcements' images sit beside the site file.
  cpSync(join(dirname(DEMO_SITE_CONFIG), 'media'), join(dir, 'media'), { recursive: true });
  return path;
}

async function book(base: string, start: string, phone?: string) {
  const res = await fetch(`${base}/api/appointments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ serviceId: 'land', start, ...(phone ? { phone } : {}) }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { appointment: { id: string; code: string } }).appointment;
}

describe('reminders through the simulated gateway', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let base: string;
  let clock = at('08:00');
  /** Every log line the server writes, as text: a phone number must never be in one. */
  const logged: string[] = [];
  const line = (fields: unknown, msg?: string) => logged.push(`${msg ?? ''} ${JSON.stringify(fields)}`);
  const log = { debug: line, info: line, warn: line, error: line };

  beforeAll(async () => {
    dir = tempDir();
    const config = siteWithSms(dir.path, '  reminderMinutes: 60\n  gateway: { kind: simulated }\n');
    server = await startTestServer(dir.path, { OSS_SITE_CONFIG: config }, { clock: () => clock, log });
    base = `http://127.0.0.1:${server.httpPort}`;
  });
  afterAll(async () => {
    await server?.stop();
    dir?.remove();
  });

  it('reminds each booking with a phone once, within the hour before its slot; never a cancelled one', async () => {
    const sms = server.sms as SimulatedSmsGateway;
    const due = await book(base, slot('09:00'), '0912345678');
    await book(base, slot('09:30'));
    const cancelled = await book(base, slot('08:30'), '0987654321');
    const later = await book(base, slot('10:00'), '+84911222333');
    const res = await fetch(`${base}/api/appointments/${cancelled.id}?code=${cancelled.code}`, {
      method: 'DELETE',
    });
    expect(res.status).toBe(200);

    await server.reminders!.runOnce();
    expect(sms.sent).toHaveLength(1);
    expect(sms.sent[0]!.to).toBe('0912345678');
    expect(sms.sent[0]!.text).toContain(`mã ${due.code}`);
    expect(sms.sent[0]!.text).toContain('lúc 09:00 ngày 07/12/2026');
    expect(sms.sent[0]!.text).toContain('quý khách');

    await server.reminders!.runOnce();
    expect(sms.sent).toHaveLength(1);

    clock = at('09:05');
    await server.reminders!.runOnce();
    expect(sms.sent.map((m) => m.to)).toEqual(['0912345678', '0911222333']);
    expect(sms.sent[1]!.text).toContain(later.code);
    expect(logged.filter((l) => l.includes('sms reminder sent'))).toHaveLength(2);
    for (const phone of ['0912345678', '0911222333', '0987654321'])
      expect(logged.filter((l) => l.includes(phone))).toEqual([]);
  });
});

describe('reminders through an HTTP JSON gateway', () => {
  let dir: ReturnType<typeof tempDir>;
  let server: RunningServer;
  let gateway: Server;
  let base: string;
  const received: { auth: string | undefined; body: Record<string, string> }[] = [];
  let answer = 500;

  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>;
  };

  beforeAll(async () => {
    dir = tempDir();
    const port = await freePort();
    gateway = createServer(async (req, res) => {
      received.push({ auth: req.headers.authorization, body: await readBody(req) });
      res.writeHead(answer, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => gateway.listen(port, '127.0.0.1', resolve));
    process.env.OSS_TEST_SMS_TOKEN = 'gateway-secret';
    const config = siteWithSms(
      dir.path,
      `  reminderMinutes: 60\n  gateway:\n    kind: http-json\n    url: http://127.0.0.1:${port}/sms\n` +
        '    tokenEnv: OSS_TEST_SMS_TOKEN\n    fields: { to: msisdn, text: message }\n',
    );
    server = await startTestServer(dir.path, { OSS_SITE_CONFIG: config }, { clock: () => at('08:00') });
    base = `http://127.0.0.1:${server.httpPort}`;
  });
  afterAll(async () => {
    await server?.stop();
    await new Promise((resolve) => gateway?.close(resolve));
    delete process.env.OSS_TEST_SMS_TOKEN;
    dir?.remove();
  });

  it('posts the configured fields with the bearer token, and retries a refused message at the next run', async () => {
    const booking = await book(base, slot('08:30'), '0933444555');
    await server.reminders!.runOnce();
    expect(received).toHaveLength(1);
    expect(received[0]!.auth).toBe('Bearer gateway-secret');
    expect(Object.keys(received[0]!.body).sort()).toEqual(['message', 'msisdn']);
    expect(received[0]!.body.msisdn).toBe('0933444555');
    expect(received[0]!.body.message).toContain(booking.code);

    answer = 200;
    await server.reminders!.runOnce();
    await server.reminders!.runOnce();
    expect(received).toHaveLength(2);
  });

  it('a gateway section that names no known kind stops the start with the field named', () => {
    const bad = siteWithSms(dir.path, '  gateway: { kind: carrier-pigeon }\n');
    expect(() => loadSiteConfig(bad)).toThrow(/sms/);
  });
});
