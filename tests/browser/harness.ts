/**
 * Browser tests' helpers: a real queue server serving the built apps, Debian's Chromium driven by
 * playwright-core, and a kiosk enrolled for plain-browser mode.
 */
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { localDate } from '@oss/protocol';
import { hashPassword, type RunningServer, readEnv, silentLogger, startServer } from '@oss/queue-server';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.OSS_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const KIOSK_UI = fileURLToPath(new URL('../../kiosk-ui/', import.meta.url));
export const APPS_DIST = join(KIOSK_UI, 'dist');
export const SCREENSHOTS = fileURLToPath(new URL('../../test-artifacts/screenshots/', import.meta.url));

function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

function stale(): boolean {
  const page = join(APPS_DIST, 'kiosk.html');
  return (
    !existsSync(page) ||
    statSync(page).mtimeMs <
      Math.max(newest(join(KIOSK_UI, 'src')), statSync(join(KIOSK_UI, 'vite.config.ts')).mtimeMs)
  );
}

/**
 * Builds kiosk-ui/dist when it is missing or older than the sources. Test files run in parallel
 * processes: one builds while holding a lock file, the others wait for it and then find dist fresh.
 */
export async function ensureBuilt(): Promise<void> {
  const lock = join(tmpdir(), 'oss-kiosk-ui-build.lock');
  for (let waited = 0; stale(); waited += 200) {
    let fd: number | null = null;
    try {
      fd = openSync(lock, 'wx');
    } catch {
      // Someone else is building (or died holding the lock: taken over after two minutes).
      if (waited > 120_000) rmSync(lock, { force: true });
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    try {
      if (stale())
        execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: KIOSK_UI, stdio: 'inherit' });
    } finally {
      closeSync(fd);
      rmSync(lock, { force: true });
    }
  }
}

export interface Site {
  server: RunningServer;
  url: string;
  dataDir: string;
  stop(): Promise<void>;
  /** Stops and starts the server again on the same port and database (a restart). */
  restart(): Promise<void>;
}

/**
 * A site serving the built apps; `clock` sets the server's time (a test at a booking's hour),
 * `siteConfig` a site configuration file instead of the demo's.
 */
export async function startSite(clock?: () => number, siteConfig?: string): Promise<Site> {
  const dataDir = mkdtempSync(join(tmpdir(), 'oss-browser-'));
  const env = (port: number) =>
    readEnv({
      OSS_DATA_DIR: dataDir,
      OSS_HTTP_PORT: String(port),
      OSS_MQTT_PORT: '0',
      OSS_HTTP_HOST: '127.0.0.1',
      ...(siteConfig ? { OSS_SITE_CONFIG: siteConfig } : {}),
    });
  const options = { log: silentLogger, appsDist: APPS_DIST, ...(clock ? { clock } : {}) };
  let server = await startServer(env(0), options);
  const port = server.httpPort;
  const site: Site = {
    server,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    async stop() {
      await site.server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
    async restart() {
      await site.server.stop();
      server = await startServer(env(port), options);
      site.server = server;
    },
  };
  return site;
}

/** Registers a kiosk device (as `npm run enroll -- <id> kiosk` does) and returns its password. */
export function enrolKiosk(site: Site, deviceId: string): string {
  const password = `pw-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  site.server.service.store.upsertDevice({
    id: deviceId,
    kind: 'kiosk',
    counter_id: null,
    password_hash: hashPassword(password),
    enrolled_at: Date.now(),
  });
  return password;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, `${name}.png`);
}

export const PORTRAIT = { width: 1080, height: 1920 };
export const LANDSCAPE = { width: 1920, height: 1080 };
/** A landscape kiosk's own screen (issue 18's second kiosk resolution). */
export const LANDSCAPE_SMALL = { width: 1280, height: 800 };

/**
 * A booking of today put straight into the site's store (tests at any hour: which slots the booking
 * page offers depends on it), 30 minutes from `start`; `citizenHash` for one made with a card.
 */
export function insertBooking(
  site: Site,
  b: { id: string; code: string; serviceId: string; start: number; citizenHash?: string },
): void {
  const { service } = site.server;
  service.visits.insertAppointment({
    id: b.id,
    code: b.code,
    service_id: b.serviceId,
    procedure_id: null,
    day: localDate(b.start, service.site.timeZone),
    start: b.start,
    end: b.start + 30 * 60_000,
    status: 'booked',
    phone: null,
    citizen_hash: b.citizenHash ?? null,
    created_at: Date.now(),
    ticket_id: null,
    checked_in_at: null,
    cancelled_at: null,
  });
}

/** A staff member's HTTP session on the site (signed in through the API): requests carry their cookie. */
export async function staffSession(site: Site, username: string, password: string) {
  const login = await fetch(`${site.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!login.ok) throw new Error(`${username} could not sign in: HTTP ${login.status}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  return {
    cookie,
    post: (path: string, body: unknown) =>
      fetch(`${site.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify(body),
      }),
    get: (path: string) => fetch(`${site.url}${path}`, { headers: { cookie } }),
  };
}

/** Signs in on a page that shows the staff sign-in form (counter console, dashboard). */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.locator('button[type=submit]').click();
}
