/**
 * Starting the site server: refusals said in words by the real start command, a damaged database,
 * a start on a new day, the data folder's modes under `npm start`, and opening hours in the site file.
 */
import { closeSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { topics } from '@oss/protocol';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, DEMO_SITE_CONFIG, parseSiteConfig } from '../src/config/load.ts';
import { StorageError } from '../src/storage/errors.ts';
import { databasePath } from '../src/storage/store.ts';
import {
  connectDevice,
  enrolDevice,
  filesUnder,
  freePort,
  nextMessage,
  okResult,
  startTestServer,
  tempDir,
} from './helpers.ts';
import { runServerToExit, spawnServer } from './process.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

function newDir(): string {
  const dir = tempDir('oss-start-');
  cleanup.push(() => dir.remove());
  return dir.path;
}

async function baseEnv(dataDir: string): Promise<Record<string, string>> {
  return {
    OSS_DATA_DIR: dataDir,
    OSS_HTTP_PORT: String(await freePort()),
    OSS_MQTT_PORT: String(await freePort()),
    OSS_HTTP_HOST: '127.0.0.1',
    OSS_LOG_LEVEL: 'warn',
  };
}

/** A message for a person: Vietnamese first, then English, and no JSON log line in its place. */
function expectWords(output: string, vi: RegExp, en: RegExp): void {
  const lines = output.trim().split('\n');
  const said = lines.find((l) => vi.test(l));
  expect(said, output).toBeDefined();
  const [viPart, enPart] = [said!.slice(0, said!.indexOf(' / ')), said!.slice(said!.indexOf(' / ') + 3)];
  expect(viPart).toMatch(vi);
  expect(enPart).toMatch(en);
  expect(
    lines.filter((l) => l.startsWith('{')),
    output,
  ).toEqual([]);
}

/** Overwrites pages in the middle of the file with junk, as a failing disk does. */
function corruptPages(file: string, first: number, count: number): void {
  const pageSize = 4096;
  const fd = openSync(file, 'r+');
  try {
    const junk = Buffer.alloc(pageSize * count, 0xa5);
    writeSync(fd, junk, 0, junk.length, pageSize * first);
  } finally {
    closeSync(fd);
  }
}

/** A stopped site's database with enough rows for many pages. */
async function databaseWithPages(dataDir: string): Promise<void> {
  const server = await startTestServer(dataDir);
  await server.stop();
  const db = new BetterSqlite3(databasePath(dataDir));
  const insert = db.prepare("INSERT INTO audit (at, actor, action, detail) VALUES (?, 'test', 'filler', ?)");
  db.transaction(() => {
    for (let i = 0; i < 2000; i++) insert.run(i, JSON.stringify({ i, text: 'x'.repeat(100) }));
  })();
  expect(db.pragma('page_count', { simple: true })).toBeGreaterThan(40);
  db.close();
}

describe('npm start says why it cannot start, in Vietnamese then English', () => {
  it.each([
    [
      'OSS_LOG_LEVEL',
      'loud',
      /OSS_LOG_LEVEL phải là một trong: debug, info, warn, error/,
      /OSS_LOG_LEVEL must be one of: debug, info, warn, error; got "loud"/,
    ],
    [
      'OSS_SECURE_COOKIES',
      'maybe',
      /OSS_SECURE_COOKIES phải là một trong: true, false, 1, 0/,
      /OSS_SECURE_COOKIES must be one of: true, false, 1, 0; got "maybe"/,
    ],
    [
      'OSS_HTTP_PORT',
      '',
      /OSS_HTTP_PORT phải là số cổng \(0–65535\), nhận được ""/,
      /OSS_HTTP_PORT must be a port number \(0–65535\), got ""/,
    ],
  ])(
    'refuses %s=%j',
    async (name, value, vi, en) => {
      const env = { ...(await baseEnv(join(newDir(), 'data'))), [name]: value };
      const { code, output } = await runServerToExit(env);
      expect(code).toBe(1);
      expectWords(output, vi, en);
    },
    60_000,
  );

  it('the broker port is taken', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((r) => blocker.listen(port, '0.0.0.0', () => r()));
    cleanup.push(() => new Promise<void>((r) => blocker.close(() => r())));
    const env = { ...(await baseEnv(join(newDir(), 'data'))), OSS_MQTT_PORT: String(port) };
    const { code, output } = await runServerToExit(env);
    expect(code).toBe(1);
    expectWords(
      output,
      new RegExp(`Cổng ${port} cho broker MQTT đang bị chương trình khác dùng.*OSS_MQTT_PORT`),
      new RegExp(`port ${port} for the MQTT broker is already in use.*set OSS_MQTT_PORT to another port`),
    );
  }, 60_000);

  it('the data folder is a file', async () => {
    const file = join(newDir(), 'data');
    writeFileSync(file, 'not a folder');
    const { code, output } = await runServerToExit(await baseEnv(file));
    expect(code).toBe(1);
    expectWords(
      output,
      /là một tệp, không phải thư mục: đặt OSS_DATA_DIR/,
      /is a file, not a folder: set OSS_DATA_DIR/,
    );
    expect(readFileSync(file, 'utf8')).toBe('not a folder');
  }, 60_000);

  it('the HTTP address is not of this machine', async () => {
    const env = { ...(await baseEnv(join(newDir(), 'data'))), OSS_HTTP_HOST: 'no-such-host.invalid' };
    const { code, output } = await runServerToExit(env);
    expect(code).toBe(1);
    expectWords(
      output,
      /Không nghe được trên địa chỉ "no-such-host\.invalid".*OSS_HTTP_HOST/,
      /cannot listen on address "no-such-host\.invalid".*OSS_HTTP_HOST must be/,
    );
  }, 60_000);

  it('the database has damaged pages: no start, and the way to restore', async () => {
    const data = join(newDir(), 'data');
    await databaseWithPages(data);
    corruptPages(databasePath(data), 20, 3);
    const { code, output } = await runServerToExit(await baseEnv(data));
    expect(code).toBe(1);
    expectWords(
      output,
      /Cơ sở dữ liệu .*site\.sqlite bị hỏng .*npm run backup -- --restore <tệp>/,
      /the database .*site\.sqlite is damaged .*npm run backup -- --restore <file>/,
    );
  }, 60_000);
});

describe('start-up', () => {
  it('a database with damaged pages is refused by startServer too (quick_check)', async () => {
    const data = join(newDir(), 'data');
    await databaseWithPages(data);
    corruptPages(databasePath(data), 25, 3);
    const started = startTestServer(data);
    await expect(started).rejects.toBeInstanceOf(StorageError);
    await expect(started).rejects.toMatchObject({ problem: 'corrupt' });
  }, 60_000);

  it('npm start makes the data folder 0700 and its files 0600', async () => {
    const data = join(newDir(), 'data');
    const server = await spawnServer(await baseEnv(data));
    cleanup.push(() => {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    });
    const files = filesUnder(data);
    expect(files.map((f) => f.slice(data.length)).sort()).toEqual([
      '/citizen.key',
      '/site.sqlite',
      '/site.sqlite-shm',
      '/site.sqlite-wal',
    ]);
    expect(statSync(data).mode & 0o777).toBe(0o700);
    for (const f of files) expect(statSync(f).mode & 0o777, f).toBe(0o600);
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  }, 60_000);

  it("after a restart on a new day, the first /api/queue and the retained summary are today's", async () => {
    const data = join(newDir(), 'data');
    const day1 = Date.parse('2026-03-02T09:00:00+07:00');
    const first = await startTestServer(data, {}, { clock: () => day1 });
    const kiosk = await connectDevice(first.mqttUrl, 'demo', enrolDevice(first, ['kiosk-1', 'kiosk']));
    for (let i = 0; i < 3; i++) okResult(await kiosk.request('ticket.issue', { serviceId: 'land' }));
    await kiosk.close();
    const waiting = async (port: number) => {
      const q = (await (await fetch(`http://127.0.0.1:${port}/api/queue`)).json()) as {
        services: { serviceId: string; waiting: number }[];
      };
      return q.services.reduce((n, s) => n + s.waiting, 0);
    };
    expect(await waiting(first.httpPort)).toBe(3);
    const displayCreds = enrolDevice(first, ['display-1', 'display']);
    await first.stop();

    const second = await startTestServer(data, {}, { clock: () => day1 + 24 * 3_600_000 });
    cleanup.push(() => second.stop());
    expect(await waiting(second.httpPort)).toBe(0);
    const display = await connectDevice(second.mqttUrl, 'demo', displayCreds);
    cleanup.push(() => display.close());
    const retained = nextMessage<{ services: { waiting: number }[] }>(display.client, topics.queue('demo'));
    await display.client.subscribeAsync(topics.queue('demo'), { qos: 1 });
    expect((await retained).services.reduce((n, s) => n + s.waiting, 0)).toBe(0);
  }, 60_000);
});

describe('opening hours', () => {
  it('a period that closes before it opens is refused, naming it', () => {
    const text = readFileSync(DEMO_SITE_CONFIG, 'utf8').replace('close: "17:00"', 'close: "12:00"');
    expect(() => parseSiteConfig(text, 'site.yaml')).toThrow(ConfigError);
    expect(() => parseSiteConfig(text, 'site.yaml')).toThrow(
      /openingHours\.1\.close: giờ đóng cửa 12:00 phải sau giờ mở cửa 13:00 \/ closing time 12:00 must be after opening time 13:00/,
    );
    const equal = readFileSync(DEMO_SITE_CONFIG, 'utf8').replace('close: "17:00"', 'close: "13:00"');
    expect(() => parseSiteConfig(equal, 'site.yaml')).toThrow(/closing time 13:00 must be after/);
  });
});
