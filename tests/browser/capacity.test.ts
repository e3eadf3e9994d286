/**
 * The booking capacity check, end to end: a site with two past Mondays of (simulated) history in its
 * real SQLite database; the manager's route simulates the next day with every slot full and the
 * dashboard shows walk-ins' waits with and without bookings and whether they stay within the target.
 */
import { fileURLToPath } from 'node:url';
import { zonedEpoch } from '@oss/protocol';
import type { CapacityCheck } from '@oss/protocol/http';
import type { QueueState } from '@oss/queue-server/core';
import { loadScenario, localMidnight, simulateDay } from '@oss/queue-server/sim';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureBuilt,
  HAVE_CHROMIUM,
  insertBooking,
  launchBrowser,
  type Site,
  screenshotPath,
  signIn,
  staffSession,
  startSite,
} from './harness.ts';

const TZ = 'Asia/Ho_Chi_Minh';
const PAST_MONDAYS = ['2026-11-23', '2026-11-30'];
const TODAY = '2026-12-07'; // a Monday, 07:00: the centre is about to open
const demo = loadScenario(
  fileURLToPath(new URL('../../queue-server/sim/scenarios/demo-site.json', import.meta.url)),
);

describe.skipIf(!HAVE_CHROMIUM)('the booking capacity check', () => {
  let site: Site;
  let browser: Browser;
  const cookieOf = async (username: string, password: string) =>
    (await staffSession(site, username, password)).cookie;
  const check = async (cookie: string) =>
    fetch(`${site.url}/api/appointments/capacity-check`, { headers: { cookie } });

  beforeAll(async () => {
    await ensureBuilt();
    site = await startSite(() => zonedEpoch(TODAY, 7 * 60, TZ));
    // Past days as the server stores them: the simulator's tickets saved through the site's own store.
    for (const [d, day] of PAST_MONDAYS.entries()) {
      let state: QueueState | null = null;
      simulateDay(
        { ...demo, date: day, midnightMs: localMidnight(day, TZ) },
        { seed: 10 + d, onEvents: (_e, s) => (state = s) },
      );
      for (const t of (state as QueueState | null)?.tickets.values() ?? [])
        site.server.service.store.saveTicket(day, { ...t, id: `${day}-${t.id}` });
    }
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await site?.stop();
  });

  it('is for managers only', async () => {
    expect((await check(await cookieOf('officer1', 'demo-officer'))).status).toBe(403);
    expect((await check('')).status).toBe(401);
  });

  it('simulates today with every slot full on the stored history, and the dashboard shows it', async () => {
    // The first check of the day simulates a dozen days; the server answers others meanwhile.
    const answered: string[] = [];
    const cookie = await cookieOf('manager', 'demo-manager');
    const [res] = await Promise.all([
      check(cookie).then((r) => {
        answered.push('check');
        return r;
      }),
      new Promise((r) => setTimeout(r, 100))
        .then(() => fetch(`${site.url}/api/queue`))
        .then(async (r) => {
          await r.json();
          answered.push('queue');
        }),
    ]);
    expect(answered).toEqual(['queue', 'check']);
    expect(res.status).toBe(200);
    const { capacity, effect } = (await res.json()) as CapacityCheck;
    expect(capacity).toBe(2);
    expect(effect).not.toBeNull();
    expect(effect!).toMatchObject({ date: TODAY, historyDays: 2, targetMinutes: 15 });
    // Six bookable services, 2 places in each 30-minute slot of a Monday's opening hours.
    const slots = (await (
      await fetch(`${site.url}/api/appointments/slots?serviceId=land&day=${TODAY}`)
    ).json()) as {
      slots: unknown[];
    };
    expect(effect!.bookedPerDay).toBe(6 * 2 * slots.slots.length);
    expect(effect!.booked.n).toBeGreaterThan(0);
    expect(effect!.walkInWith.mean!).toBeGreaterThan(effect!.walkInWithout.mean!);
    expect(effect!.meetsTarget).toBe(effect!.walkInWith.mean! <= 15);

    // A booking of today at 10:00: the panel lists it under its service.
    insertBooking(site, {
      id: 'appt-land',
      code: 'LAND23',
      serviceId: 'land',
      start: zonedEpoch(TODAY, 600, TZ),
    });
    const page = await (
      await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' })
    ).newPage();
    await page.goto(`${site.url}/dashboard`);
    await signIn(page, 'manager', 'demo-manager');
    const land = page.locator('[data-panel=appointments] [data-bookings] [data-service=land]');
    await land.waitFor();
    expect(await land.textContent()).toMatch(/1 lịch hẹn · 0 đã đến · 0 không đến.*Sắp đến: 10:00/);
    const panel = page.locator('[data-panel=appointments] .capacity-check');
    await panel.waitFor({ timeout: 30_000 });
    expect(await panel.getAttribute('data-capacity')).toBe(effect!.meetsTarget ? 'ok' : 'over');
    const withRow = panel.locator('tr[data-row=walk-in-with] td').first();
    const shown = effect!.walkInWith.mean!.toLocaleString('vi-VN', { maximumFractionDigits: 1 });
    expect(await withRow.textContent()).toBe(`${shown} phút`);
    await page
      .locator('[data-panel=appointments]')
      .screenshot({ path: screenshotPath('dashboard-capacity-check') });
  }, 120_000);
});
