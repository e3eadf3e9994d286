/**
 * The dashboard's period picker and the printable monthly report in real Chromium against a real
 * server whose database holds a month of stored tickets and ratings (as the server stores them).
 */
import type { TicketRecord } from '@oss/queue-server/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureBuilt,
  HAVE_CHROMIUM,
  LANDSCAPE,
  launchBrowser,
  PORTRAIT,
  type Site,
  screenshotPath,
  signIn,
  startSite,
} from './harness.ts';

const MINUTE = 60_000;
const NOVEMBER_DAYS = ['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06', '2026-11-09'];

/**
 * Six days of November: per day 8 tickets over two services, three officers, waits 5–40 min. The
 * counter camera estimated officer1's services every day (18) and officer2's once: too few to show.
 */
function seedNovember(site: Site): number {
  const store = site.server.service.store;
  let n = 0;
  store.transaction(() => {
    for (const day of NOVEMBER_DAYS)
      for (let i = 0; i < 8; i++) {
        const issuedAt = Date.parse(`${day}T08:00:00+07:00`) + i * 25 * MINUTE;
        const wait = 5 + ((i * 7) % 36);
        const officer = `officer${(i % 3) + 1}`;
        const t: TicketRecord = {
          id: `nov-${day}-${i}`,
          seq: i + 1,
          number: `A${String(i + 1).padStart(3, '0')}`,
          serviceId: i % 4 === 3 ? 'land' : 'civil-status',
          originalServiceId: i % 4 === 3 ? 'land' : 'civil-status',
          priority: i % 5 === 0 ? 'elderly' : 'normal',
          status: 'done',
          issuedAt,
          queuedAt: issuedAt,
          firstCalledAt: issuedAt + wait * MINUTE,
          calledAt: issuedAt + wait * MINUTE,
          finishedAt: issuedAt + (wait + 6) * MINUTE,
          counterId: `counter-${(i % 3) + 1}`,
          officerId: officer,
          recalls: 0,
          offline: false,
        };
        store.saveTicket(day, t);
        n++;
        if (i % 3 === 0 || (i === 1 && day === NOVEMBER_DAYS[0]))
          store.appendEvents(day, [
            {
              type: 'emotion.submitted',
              at: t.finishedAt! + 20_000,
              ticketId: t.id,
              counterId: t.counterId!,
              officerId: officer,
              serviceId: t.serviceId,
              satisfaction: 0.8,
              confidence: 0.6,
              frames: 6,
              model: 'test',
            },
          ]);
        if (i % 2 === 0)
          store.saveRating(day, {
            type: 'rating.submitted',
            at: t.finishedAt! + 10_000,
            ratingId: `r-${t.id}`,
            counterId: t.counterId!,
            ticketId: t.id,
            officerId: officer,
            serviceId: t.serviceId,
            score: 3 + (i % 3),
          });
      }
  });
  return n;
}

describe.skipIf(!HAVE_CHROMIUM)('dashboard periods and the monthly report', () => {
  let site: Site;
  let browser: Browser;
  let seeded = 0;

  beforeAll(async () => {
    await ensureBuilt();
    site = await startSite();
    seeded = seedNovember(site);
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await site?.stop();
  });

  async function dashboard(): Promise<Page> {
    const context = await browser.newContext({ viewport: LANDSCAPE, locale: 'vi-VN' });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${site.url}/dashboard`);
    await signIn(page, 'manager', 'demo-manager');
    await page.locator('[data-panel=period]').waitFor();
    return page;
  }

  it('shows a chosen month: dates as 02/12/2026, officers by name, the target on the wait chart', async () => {
    const dash = await dashboard();
    await dash.locator('select[data-period-mode]').selectOption('month');
    await dash.locator('input[data-period-month]').fill('2026-11');
    await dash.locator('[data-period-shown]', { hasText: 'Từ 01/11/2026 đến 30/11/2026' }).waitFor();
    await dash.locator('[data-kpi=issued]', { hasText: String(seeded) }).waitFor();
    await dash.locator('tr[data-officer=officer1] td', { hasText: 'Cán bộ quầy 1' }).waitFor();
    await dash.locator('[data-panel=waits] [data-target-line="15"]').waitFor();
    await expect.poll(() => dash.locator('[data-panel=arrivals] rect').count()).toBeGreaterThan(0);
    // The camera's estimate only where the core says there is enough data (EMOTION_DISPLAY_MINIMUM).
    await dash.locator('tr[data-officer=officer1] [data-emotion=shown]', { hasText: '80' }).waitFor();
    await dash
      .locator('tr[data-officer=officer2] [data-emotion=not-enough]', { hasText: 'Chưa đủ dữ liệu' })
      .waitFor();
    expect(await dash.locator('tr[data-officer=officer2]').textContent()).not.toContain('80');
    await dash.locator('[data-panel=services] tr[data-service=land] [data-emotion=shown]').waitFor();
    // The CSV link follows the period.
    expect(await dash.locator('a[data-csv]').getAttribute('href')).toBe(
      '/api/reports/tickets.csv?from=2026-11-01&to=2026-11-30',
    );
    await dash.screenshot({ path: screenshotPath('dashboard-period-month-landscape'), fullPage: true });
    // One day in Vietnamese form; back to today live.
    await dash.locator('select[data-period-mode]').selectOption('day');
    await dash.locator('input[data-period-day]').fill('2026-11-03');
    await dash.locator('[data-period-shown]', { hasText: 'Ngày 03/11/2026' }).waitFor();
    await dash.locator('[data-kpi=issued]', { hasText: '8' }).waitFor();
    await dash.locator('[data-kpi=emotion] [data-emotion=not-enough]').waitFor(); // 3 services that day
    await dash.locator('select[data-period-mode]').selectOption('live');
    await dash.locator('[data-kpi=issued]', { hasText: '0' }).waitFor();
  }, 120_000);

  it('opens the printable monthly report: ranking, floor, priority classes; controls hidden in print', async () => {
    const dash = await dashboard();
    await dash.locator('select[data-period-mode]').selectOption('month');
    await dash.locator('input[data-period-month]').fill('2026-11');
    await dash.locator('button[data-open-report]').click();
    const report = dash.locator('[data-report="2026-11"]');
    await report.waitFor();
    await report.locator('[data-report-title]', { hasText: 'tháng 11/2026' }).waitFor();
    await report.locator('text=Định mức năm theo Quyết định 468: 1.800').waitFor();
    const ranks = await report
      .locator('[data-report-panel=officers] tbody tr td:first-child')
      .allTextContents();
    expect(ranks).toEqual(['1', '2', '3']);
    await report.locator('[data-report-panel=officers] td', { hasText: 'Cán bộ quầy 1' }).waitFor();
    await report.locator('tr[data-officer=officer2] [data-emotion=not-enough]').waitFor();
    await report.locator('tr[data-officer=officer1] [data-emotion=shown]').waitFor();
    await report.locator('[data-report-panel=priority] td', { hasText: 'Người cao tuổi' }).waitFor();
    await dash.setViewportSize(PORTRAIT);
    await dash.emulateMedia({ media: 'print' });
    expect(await report.locator('button', { hasText: 'In báo cáo' }).isVisible()).toBe(false);
    await dash.screenshot({ path: screenshotPath('report-month-print-portrait'), fullPage: true });
    await dash.emulateMedia({ media: 'screen' });
    await report.locator('button', { hasText: 'Quay lại' }).click();
    await dash.locator('[data-panel=period]').waitFor();
  }, 120_000);
});
