/**
 * The display board at two site sizes (6 services × 8 counters, 12 × 20) in real Chromium against a
 * real server: every service row and counter tile visible above the ticker, the ticker scrolling
 * whole notices, "VỪA GỌI" restored after a reload, "Bật âm thanh" beside the tiles, never over them.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEMO_SITE_CONFIG, loadSiteConfig } from '@oss/queue-server';
import type { SiteConfig } from '@oss/queue-server/core';
import { tempDir } from '@oss/tests';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.ts';
import {
  ensureBuilt,
  HAVE_CHROMIUM,
  LANDSCAPE,
  launchBrowser,
  PORTRAIT,
  type Site,
  screenshotPath,
  startSite,
} from './harness.ts';

const EXTRA_SERVICES = [
  ['labour', 'H', 'Lao động, thương binh và xã hội', 'Labour, invalids and social affairs'],
  ['justice', 'J', 'Tư pháp', 'Justice'],
  ['culture', 'K', 'Văn hoá, thể thao và du lịch', 'Culture, sports and tourism'],
  ['health', 'L', 'Y tế', 'Health'],
  ['agriculture', 'M', 'Nông nghiệp và môi trường', 'Agriculture and environment'],
] as const;

/**
 * The demo site cut or grown to `services` services and `counters` counters, as a JSON file, with
 * `announcements` (files in `dir`) or none.
 */
function siteOfSize(
  dir: string,
  services: number,
  counters: number,
  announcements: SiteConfig['announcements'] = undefined,
): string {
  const demo = loadSiteConfig();
  const all = [
    ...demo.services,
    ...EXTRA_SERVICES.map(([id, prefix, vi, en]) => ({
      id,
      prefix,
      name: { vi, en },
      meanServiceMinutes: 8,
      public: true,
    })),
  ].slice(0, services);
  const ids = all.map((s) => s.id);
  const config = {
    ...demo,
    announcements,
    services: all,
    procedures: demo.procedures.filter((p) => ids.includes(p.serviceId)),
    counters: Array.from({ length: counters }, (_, i) => ({
      id: `counter-${i + 1}`,
      number: i + 1,
      name: { vi: `Quầy ${i + 1}`, en: `Counter ${i + 1}` },
      serviceIds: [ids[i % ids.length]!],
    })),
    ...(demo.appointments
      ? {
          appointments: {
            ...demo.appointments,
            serviceIds: demo.appointments.serviceIds?.filter((id) => ids.includes(id)),
          },
        }
      : {}),
  };
  const file = join(dir, `site-${services}x${counters}${announcements ? '-media' : ''}.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** Two tickets per service, then every counter calls one: all tiles busy, 8 recent calls. */
async function busyDay(site: Site, counters: number): Promise<void> {
  const ok = { result: () => ({}) };
  for (const s of site.server.config.services)
    for (let i = 0; i < 2 + Math.ceil(counters / site.server.config.services.length); i++)
      site.server.service.execute({ type: 'issue', serviceId: s.id }, ok);
  for (const c of site.server.config.counters) {
    site.server.service.execute({ type: 'next', counterId: c.id }, ok);
    // Each call in its own millisecond: the server orders recent calls by their time, and two calls in
    // one millisecond (a loop, never officers) have no order it could restore after a reload.
    await new Promise((r) => setTimeout(r, 3));
  }
}

type Box = { x: number; y: number; width: number; height: number };
const boxOf = async (page: Page, selector: string): Promise<Box[]> =>
  page.locator(selector).evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  );
const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The board's rows and tiles: each wholly on screen, above the ticker, overlapping nothing else. */
async function expectNothingHidden(page: Page, services: number, counters: number): Promise<void> {
  const width = page.viewportSize()!.width;
  const [ticker] = await boxOf(page, '.board-ticker');
  const rows = await boxOf(page, 'tr[data-service]');
  const tiles = await boxOf(page, '.counter-tile');
  expect(rows).toHaveLength(services);
  expect(tiles).toHaveLength(counters);
  for (const box of [...rows, ...tiles]) {
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(width + 0.5);
    expect(box.y + box.height).toBeLessThanOrEqual(ticker!.y + 0.5);
  }
  // A tile's number is not clipped by its tile.
  const clipped = await page
    .locator('.counter-tile .tile-number')
    .evaluateAll((els) => els.filter((e) => e.scrollWidth > e.parentElement!.clientWidth).length);
  expect(clipped).toBe(0);
  // A recent call shows whole or not at all (the list wraps into a hidden column).
  const [list] = await boxOf(page, '.recent');
  for (const item of await boxOf(page, '.recent li')) {
    const inside = item.x >= list!.x && item.y + item.height <= list!.y + list!.height + 0.5;
    const outside = item.x >= list!.x + list!.width;
    expect(inside || outside).toBe(true);
  }
}

/**
 * A browser and a folder for one block's sites; `prepare` fills the folder. All closed and removed
 * after the block.
 */
function boardTestbed(prefix: string, prepare?: (dir: string, browser: Browser) => Promise<void>) {
  const bed = { browser: null as unknown as Browser, dir: tempDir(prefix), sites: [] as Site[] };
  beforeAll(async () => {
    await ensureBuilt();
    bed.browser = await launchBrowser();
    await prepare?.(bed.dir.path, bed.browser);
  }, 120_000);
  afterAll(async () => {
    await bed.browser?.close();
    for (const s of bed.sites) await s.stop();
    bed.dir.remove();
  });
  return bed;
}

describe.skipIf(!HAVE_CHROMIUM)('the display board at any site size', () => {
  const bed = boardTestbed('oss-board-');

  for (const [services, counters] of [
    [6, 8],
    [12, 20],
  ] as const) {
    it(`${services} services × ${counters} counters: every row and tile shows, the recent calls survive a reload`, async () => {
      const site = await startSite(undefined, siteOfSize(bed.dir.path, services, counters));
      bed.sites.push(site);
      const page = await bed.browser.newPage({ viewport: LANDSCAPE });
      await page.goto(`${site.url}/display?speak=0`);
      await page.locator('.board[data-ready=true]').waitFor();
      await busyDay(site, counters);
      await expect.poll(() => page.locator('.recent li').count()).toBe(8);
      await page.locator('.counter-tile[data-number=""]').first().waitFor({ state: 'detached' });
      await page.screenshot({ path: screenshotPath(`display-${services}x${counters}-landscape`) });
      await expectNothingHidden(page, services, counters);
      expect(await page.locator('.board-media').count()).toBe(0);

      const before = await page.locator('.recent li').allTextContents();
      await page.reload();
      await page.locator('.board[data-ready=true]').waitFor();
      await expect.poll(() => page.locator('.recent li').allTextContents()).toEqual(before);
      await expect(page.locator('.board-call').getAttribute('data-latest')).resolves.toBe(
        before[0]!.match(/^[A-Z]\d+/)![0],
      );
      await expectNothingHidden(page, services, counters);
      await page.close();
    }, 60_000);
  }

  it('the ticker scrolls every notice whole, in both languages', async () => {
    const site = bed.sites[0]!;
    const page = await bed.browser.newPage({ viewport: LANDSCAPE });
    await page.goto(`${site.url}/display?speak=0`);
    await page.locator('.board[data-ready=true]').waitFor();
    const items = await page.locator('.ticker-item').allTextContents();
    expect(items).toHaveLength(4);
    expect(items[0]).toContain('Quý khách vui lòng chuẩn bị đầy đủ giấy tờ trước khi đến quầy.');
    expect(items[0]).toContain('Please have all your papers ready before you go to the counter.');
    const x = () => page.locator('.ticker-track').evaluate((e) => e.getBoundingClientRect().x);
    const first = await x();
    await expect.poll(x).toBeLessThan(first - 20);
    await page.close();
  });

  it('"Bật âm thanh" shows when the browser blocks sound, beside the tiles, never over one', async () => {
    // A TV's Chromium blocks sound until someone touches it; headless Chromium never does, so the
    // page gets an AudioContext that stays suspended, as it would there.
    const context = await bed.browser.newContext({ viewport: LANDSCAPE });
    await context.addInitScript(() => {
      const Real = window.AudioContext;
      window.AudioContext = class extends Real {
        override get state(): AudioContextState {
          return 'suspended';
        }
        override resume(): Promise<void> {
          return new Promise(() => {});
        }
      };
    });
    try {
      const site = bed.sites[0]!;
      const page = await context.newPage();
      await page.goto(`${site.url}/display?speak=0`);
      await page.locator('.board[data-ready=true]').waitFor();
      const counterId = site.server.config.counters[0]!.id;
      site.server.service.execute(
        { type: 'issue', serviceId: site.server.config.counters[0]!.serviceIds[0]! },
        { result: () => ({}) },
      );
      site.server.service.execute({ type: 'next', counterId }, { result: () => ({}) });
      const button = page.getByRole('button', { name: /Bật âm thanh/ });
      await button.waitFor();
      const [sound] = await boxOf(page, '.sound-button');
      for (const tile of await boxOf(page, '.counter-tile')) expect(overlaps(sound!, tile)).toBe(false);
      await page.screenshot({ path: screenshotPath('display-sound-blocked-landscape') });
    } finally {
      await context.close();
    }
  });
});

/** A short webm made by Chromium itself (a canvas recorded by MediaRecorder): no video tool needed. */
async function recordVideo(browser: Browser): Promise<Buffer> {
  const page = await browser.newPage();
  const base64 = await page.evaluate(async () => {
    const canvas = Object.assign(document.createElement('canvas'), { width: 320, height: 180 });
    const draw = canvas.getContext('2d')!;
    const recorder = new MediaRecorder(canvas.captureStream(15), { mimeType: 'video/webm' });
    const chunks: Blob[] = [];
    recorder.ondataavailable = (e) => chunks.push(e.data);
    const stopped = new Promise((r) => (recorder.onstop = r));
    recorder.start();
    for (let frame = 0; frame < 20; frame++) {
      draw.fillStyle = `hsl(${frame * 18} 60% 35%)`;
      draw.fillRect(0, 0, 320, 180);
      draw.fillStyle = '#fff';
      draw.font = '26px sans-serif';
      draw.fillText('Hướng dẫn nộp hồ sơ', 30, 100);
      await new Promise((r) => setTimeout(r, 70));
    }
    recorder.stop();
    await stopped;
    const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
    return btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''));
  });
  await page.close();
  return Buffer.from(base64, 'base64');
}

/** The area lies inside the screen and over nothing of a call: the band, a tile, a recent call, a row. */
async function expectAreaApart(page: Page): Promise<void> {
  const { width, height } = page.viewportSize()!;
  const [area] = await boxOf(page, '.board-media');
  expect(area!.width).toBeGreaterThan(100);
  expect(area!.height).toBeGreaterThan(60);
  expect(area!.x).toBeGreaterThanOrEqual(0);
  expect(area!.y + area!.height).toBeLessThanOrEqual(height + 0.5);
  expect(area!.x + area!.width).toBeLessThanOrEqual(width + 0.5);
  const [band] = await boxOf(page, '.board-call');
  expect(band!.y).toBeGreaterThanOrEqual(0);
  expect(band!.x + band!.width).toBeLessThanOrEqual(width + 0.5);
  const [list] = await boxOf(page, '.recent');
  const shownCalls = (await boxOf(page, '.recent li')).filter((c) => c.x < list!.x + list!.width);
  const apart = [
    band!,
    ...(await boxOf(page, '.board-ticker')),
    ...(await boxOf(page, '.counter-tile')),
    ...(await boxOf(page, 'tr[data-service]')),
    ...(await boxOf(page, '.svc-table thead')),
    ...shownCalls,
  ];
  for (const box of apart) expect(overlaps(area!, box)).toBe(false);
}

describe.skipIf(!HAVE_CHROMIUM)('the board with an announcements area', () => {
  const title = { vi: 'Giờ làm việc', en: 'Opening hours' };
  // The demo site's own two images, and a short video recorded by Chromium.
  const bed = boardTestbed('oss-board-media-', async (dir, browser) => {
    for (const name of ['gio-lam-viec.svg', 'dat-lich-hen.svg'])
      copyFileSync(join(dirname(DEMO_SITE_CONFIG), 'media', name), join(dir, name));
    writeFileSync(join(dir, 'guide.webm'), await recordVideo(browser));
  });

  for (const [services, counters] of [
    [6, 8],
    [12, 20],
  ] as const) {
    it(`${services} × ${counters}: the area covers no call, at 1920×1080 and in portrait, while images rotate; axe finds nothing`, async () => {
      const file = siteOfSize(bed.dir.path, services, counters, [
        { file: 'gio-lam-viec.svg', kind: 'image', seconds: 3, title },
        {
          file: 'dat-lich-hen.svg',
          kind: 'image',
          seconds: 3,
          title: { vi: 'Đặt lịch hẹn', en: 'Appointments' },
        },
      ]);
      const site = await startSite(undefined, file);
      bed.sites.push(site);
      for (const [viewport, name] of [
        [LANDSCAPE, 'landscape'],
        [PORTRAIT, 'portrait'],
      ] as const) {
        const page = await bed.browser.newPage({ viewport });
        await page.goto(`${site.url}/display?speak=0`);
        await page.locator('.board[data-ready=true] .board-media img').waitFor();
        if (name === 'landscape') await busyDay(site, counters);
        await page.locator('.counter-tile[data-number=""]').first().waitFor({ state: 'detached' });
        // A call now (a recall): the band flashes and its tile is gold while the images go on turning.
        site.server.service.execute({ type: 'recall', counterId: 'counter-1' }, { result: () => ({}) });
        await page.locator('.counter-tile.fresh[data-counter=counter-1]').waitFor();
        const shown = await page.locator('.board-media').getAttribute('data-shown');
        await page.screenshot({
          path: screenshotPath(`display-announcements-${services}x${counters}-${name}`),
        });
        await expectAreaApart(page);
        await expectNothingHidden(page, services, counters);
        // The next image comes after its 3 s (expect.poll alone waits only 1 s).
        await expect
          .poll(() => page.locator('.board-media').getAttribute('data-shown'), { timeout: 15_000 })
          .not.toBe(shown);
        await page.locator('.board-media img').waitFor();
        await expectAreaApart(page);
        await expectNothingHidden(page, services, counters);
        expect(await axeViolations(page)).toEqual([]);
        await page.close();
      }
    }, 90_000);
  }

  it('a video plays muted, looped and inline, and the call chime still sounds', async () => {
    const file = siteOfSize(bed.dir.path, 6, 8, [
      { file: 'guide.webm', kind: 'video', seconds: 30, title: { vi: 'Hướng dẫn', en: 'Guidance' } },
    ]);
    const site = await startSite(undefined, file);
    bed.sites.push(site);
    const context = await bed.browser.newContext({ viewport: LANDSCAPE });
    // Count the chime's tones as they start (the page's own Web Audio, nothing replaced).
    await context.addInitScript(() => {
      const w = window as unknown as { tones: number };
      w.tones = 0;
      const start = OscillatorNode.prototype.start;
      OscillatorNode.prototype.start = function (...args: Parameters<typeof start>) {
        w.tones++;
        return start.apply(this, args);
      };
    });
    try {
      const page = await context.newPage();
      await page.goto(`${site.url}/display?speak=0`);
      const video = page.locator('.board-media video');
      await video.waitFor();
      await expect
        .poll(() => video.evaluate((v: HTMLVideoElement) => !v.paused && v.currentTime > 0), {
          timeout: 15_000,
        })
        .toBe(true);
      expect(
        await video.evaluate((v: HTMLVideoElement) => ({
          muted: v.muted,
          loop: v.loop,
          playsinline: v.hasAttribute('playsinline'),
        })),
      ).toEqual({ muted: true, loop: true, playsinline: true });
      const counter = site.server.config.counters[0]!;
      site.server.service.execute(
        { type: 'issue', serviceId: counter.serviceIds[0]! },
        { result: () => ({}) },
      );
      site.server.service.execute({ type: 'next', counterId: counter.id }, { result: () => ({}) });
      await page.locator('.counter-tile.fresh').waitFor();
      await expect
        .poll(() => page.evaluate(() => (window as unknown as { tones: number }).tones), { timeout: 10_000 })
        .toBe(2);
      expect(await video.evaluate((v: HTMLVideoElement) => v.muted && !v.paused)).toBe(true);
      await expectAreaApart(page);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
