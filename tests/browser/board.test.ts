/**
 * The display board at two site sizes (6 services × 8 counters, 12 × 20) in real Chromium against a
 * real server: every service row and counter tile visible above the ticker, the ticker scrolling
 * whole notices, "VỪA GỌI" restored after a reload, "Bật âm thanh" beside the tiles, never over them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSiteConfig } from '@oss/queue-server';
import { tempDir } from '@oss/tests';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureBuilt,
  HAVE_CHROMIUM,
  LANDSCAPE,
  launchBrowser,
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

/** The demo site cut or grown to `services` services and `counters` counters, as a JSON file. */
function siteOfSize(dir: string, services: number, counters: number): string {
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
  const file = join(dir, `site-${services}x${counters}.json`);
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
  const [ticker] = await boxOf(page, '.board-ticker');
  const rows = await boxOf(page, 'tr[data-service]');
  const tiles = await boxOf(page, '.counter-tile');
  expect(rows).toHaveLength(services);
  expect(tiles).toHaveLength(counters);
  for (const box of [...rows, ...tiles]) {
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(LANDSCAPE.width + 0.5);
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

describe.skipIf(!HAVE_CHROMIUM)('the display board at any site size', () => {
  let browser: Browser;
  const dir = tempDir('oss-board-');
  const sites: Site[] = [];

  beforeAll(async () => {
    await ensureBuilt();
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const s of sites) await s.stop();
    dir.remove();
  });

  for (const [services, counters] of [
    [6, 8],
    [12, 20],
  ] as const) {
    it(`${services} services × ${counters} counters: every row and tile shows, the recent calls survive a reload`, async () => {
      const site = await startSite(undefined, siteOfSize(dir.path, services, counters));
      sites.push(site);
      const page = await browser.newPage({ viewport: LANDSCAPE });
      await page.goto(`${site.url}/display?speak=0`);
      await page.locator('.board[data-ready=true]').waitFor();
      await busyDay(site, counters);
      await expect.poll(() => page.locator('.recent li').count()).toBe(8);
      await page.locator('.counter-tile[data-number=""]').first().waitFor({ state: 'detached' });
      await page.screenshot({ path: screenshotPath(`display-${services}x${counters}-landscape`) });
      await expectNothingHidden(page, services, counters);

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
    const site = sites[0]!;
    const page = await browser.newPage({ viewport: LANDSCAPE });
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
    const context = await browser.newContext({ viewport: LANDSCAPE });
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
      const site = sites[0]!;
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
