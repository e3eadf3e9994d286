/**
 * Every kiosk screen at both kiosk resolutions (1080×1920 portrait, 1280×800 landscape) and all three
 * text sizes, in real Chromium against a real server: nothing a citizen touches is cut off, overlapped
 * or under the header, the keyboard and the first result show together, and axe-core finds nothing.
 * Screenshots of each: test-artifacts/screenshots/kiosk-walk-{screen}-{resolution}-size{0,1,2}.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.ts';
import {
  ensureBuilt,
  HAVE_CHROMIUM,
  LANDSCAPE_SMALL,
  launchBrowser,
  PORTRAIT,
  type Site,
  screenshotPath,
  startSite,
} from './harness.ts';
import { kioskPage, layoutProblems } from './kiosk-layout.ts';

const RESOLUTIONS = [
  ['1080x1920', PORTRAIT],
  ['1280x800', LANDSCAPE_SMALL],
] as const;
const SIZES = [0, 1, 2] as const;

/** Text size i (a new visit puts it back to 0, so it is set again after each return home). */
async function textSize(page: Page, size: number): Promise<void> {
  await page.locator('.a11y-group .chip').nth(size).click();
  await page.locator(`.kiosk.size-${size}`).waitFor();
}

describe.skipIf(!HAVE_CHROMIUM)('every kiosk screen at both resolutions and three text sizes', () => {
  let site: Site;
  let browser: Browser;

  beforeAll(async () => {
    await ensureBuilt();
    site = await startSite();
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await site?.stop();
  });

  for (const [resolution, viewport] of RESOLUTIONS)
    for (const size of SIZES)
      it(`${resolution}, text size ${size}: nothing cut off or overlapped, no axe violation`, async () => {
        const page = await kioskPage(browser, site, viewport, `kiosk-walk-${resolution}-${size}`);
        const problems: string[] = [];
        const look = async (screen: string) => {
          await page.locator(`[data-screen=${screen.split('-')[0]}]`).waitFor();
          // A screen opens at its top; fonts and layout settle before measuring.
          await page.evaluate(async () => {
            document.querySelector('.kiosk-main')?.scrollTo(0, 0);
            await document.fonts.ready;
          });
          await page.screenshot({ path: screenshotPath(`kiosk-walk-${screen}-${resolution}-size${size}`) });
          for (const p of await layoutProblems(page)) problems.push(`${screen}: ${p}`);
          for (const v of await axeViolations(page)) problems.push(`${screen}: axe ${v}`);
        };
        const home = async () => {
          await page.locator('[data-action=home]').click();
          await page.locator('[data-screen=home]').waitFor();
          await textSize(page, size);
        };

        await textSize(page, size);
        await look('home');
        await page.locator('[data-action=take]').click();
        await page.locator('[data-service] [data-examples]').first().waitFor();
        await look('services');
        await page.locator('[data-service=civil-status]').click();
        await look('priority');
        await page.locator('[data-priority=normal]').click();
        await look('ticket');
        // Each fact (people ahead, the wait) is one line of value under or beside a label of at most two.
        const lines = await page.evaluate(() =>
          [...document.querySelectorAll('.ticket-facts .fact-label, .ticket-facts .fact-value')].map((e) => {
            const cs = getComputedStyle(e);
            return Math.round(e.getBoundingClientRect().height / Number.parseFloat(cs.lineHeight));
          }),
        );
        expect(lines, 'label, value, label, value: lines each').toEqual([
          expect.toSatisfy((n: number) => n <= 2),
          1,
          expect.toSatisfy((n: number) => n <= 2),
          1,
        ]);
        await page.locator('[data-action=done]').click();
        await textSize(page, size);

        await page.locator('[data-action=find]').click();
        await look('search');
        await page.locator('.search-input').fill('khai sinh');
        await page.locator('.result[data-procedure=birth-registration]').waitFor();
        await look('search-results');
        // The keyboard's last row and the first result show together, without scrolling.
        const fits = await page.evaluate(() => {
          const inView = (e: Element | null) => {
            const r = e?.getBoundingClientRect();
            return !!r && r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth;
          };
          const rows = document.querySelectorAll('.keyboard .key-row');
          return {
            lastRow: inView(rows[rows.length - 1]!),
            firstResult: inView(document.querySelector('.result')),
            input: inView(document.querySelector('.search-input')),
          };
        });
        expect(fits, 'the keyboard, the input and the first result on screen together').toEqual({
          lastRow: true,
          firstResult: true,
          input: true,
        });
        await page.locator('.search-input').fill('qqqq');
        await page.locator('[data-no-match]').waitFor();
        await look('search-none');
        await page.locator('.search-input').fill('khai sinh');
        await page.locator('.result[data-procedure=birth-registration]').click();
        await look('procedure');
        await home();

        await page.locator('[data-action=follow]').click();
        await page.locator('.follow-input').fill('A001');
        await page.locator('[data-action=check]').click();
        await page.locator('.follow-answer').waitFor();
        await look('follow');
        await home();

        await page.locator('[data-action=appointment]').click();
        await look('appointment');
        await home();
        await page.locator('[data-action=dossier]').click();
        await look('dossier');

        expect(problems).toEqual([]);
        await page.context().close();
      }, 240_000);
});
