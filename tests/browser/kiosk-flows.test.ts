/**
 * Issue 18's kiosk points, each in real Chromium against a real server: everyday words find the
 * procedure, nothing found offers the fields and the staff, a chosen field says it limits the search,
 * examples under each service, the elderly class says its age, no hover look left by a tap, an
 * unconfigured browser kiosk says so on its home screen, "more time" before an idle reset, and a failed
 * chip read is not shown after "skip".
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.ts';
import { type FakeAgent, startFakeAgent } from './fake-agent.ts';
import {
  enrolKiosk,
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

/** Types on the kiosk's own keyboard, as a citizen does. */
async function typeKeys(page: Page, text: string): Promise<void> {
  for (const k of text) await page.locator(`.key[data-key="${k === ' ' ? 'space' : k}"]`).click();
}

describe.skipIf(!HAVE_CHROMIUM)('the kiosk as citizens meet it (issue 18)', { timeout: 60_000 }, () => {
  let site: Site;
  let browser: Browser;
  let kiosk: Page;

  beforeAll(async () => {
    await ensureBuilt();
    site = await startSite();
    browser = await launchBrowser();
    kiosk = await kioskPage(browser, site, LANDSCAPE_SMALL, 'kiosk-flows');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await site?.stop();
  });

  it('everyday words typed on the kiosk keyboard find the procedure first', async () => {
    await kiosk.locator('[data-action=find]').click();
    for (const [query, first] of [
      ['lam giay khai sinh', 'birth-registration'],
      ['so do', 'land-'],
      ['sao y', 'certified-copy'],
      ['xin phep xay nha', 'construction-permit-house'],
    ] as const) {
      await kiosk.locator('.key[data-key=clear]').click();
      await typeKeys(kiosk, query);
      await expect
        .poll(() => kiosk.locator('.result').first().getAttribute('data-procedure'), { message: query })
        .toMatch(new RegExp(`^${first}`));
    }
    await kiosk.screenshot({ path: screenshotPath('kiosk18-search-so-do-1280x800') });
    await expect(kiosk.locator('[data-procedure=disability-certification]').count()).resolves.toBe(0);
  });

  it('nothing found: the fields with examples and "ask staff" instead of an empty list', async () => {
    await kiosk.locator('.key[data-key=clear]').click();
    await typeKeys(kiosk, 'ho chieu');
    await kiosk.locator('[data-no-match]').waitFor();
    await expect(kiosk.locator('[data-field-offer]').count()).resolves.toBeGreaterThanOrEqual(7);
    await expect(kiosk.locator('[data-field-offer="ho tich"]').textContent()).resolves.toContain(
      'khai sinh, kết hôn, khai tử',
    );
    await kiosk.locator('[data-action=ask-staff]').waitFor();
    await kiosk.screenshot({ path: screenshotPath('kiosk18-search-none-1280x800') });
    // A field offered lists that field's procedures.
    await kiosk.locator('[data-field-offer="dat dai"]').click();
    await kiosk.locator('[data-field="dat dai"][aria-pressed=true]').waitFor();
    await expect(kiosk.locator('.result').count()).resolves.toBe(3);
  });

  it('a chosen field says it limits the search, and widening finds the rest', async () => {
    await typeKeys(kiosk, 'khai sinh');
    await kiosk.locator('[data-search-scope="dat dai"]').waitFor();
    await expect(kiosk.locator('[data-search-scope]').textContent()).resolves.toContain(
      'Chỉ tìm trong lĩnh vực Đất đai',
    );
    await kiosk.screenshot({ path: screenshotPath('kiosk18-search-scope-1280x800') });
    await kiosk.locator('[data-action=widen]').click();
    await kiosk.locator('.result[data-procedure=birth-registration]').waitFor();
    await expect(kiosk.locator('[data-search-scope]').count()).resolves.toBe(0);
  });

  it('the services show examples; the elderly class says from which age', async () => {
    await kiosk.locator('[data-action=home]').click();
    await kiosk.locator('[data-action=take]').click();
    await expect(kiosk.locator('[data-service=civil-status] [data-examples]').textContent()).resolves.toBe(
      'khai sinh, kết hôn, khai tử',
    );
    await kiosk.locator('[data-service=civil-status]').click();
    await expect(kiosk.locator('[data-priority=elderly]').textContent()).resolves.toBe(
      'Người cao tuổi (từ 60 tuổi)',
    );
  });

  it('a tap leaves no pressed or hover look behind', async () => {
    // Many kiosk touch screens reach the browser as a mouse: the pointer stays where the finger was,
    // and so does :hover. After such a tap the button must look as it did before.
    const context = await browser.newContext({ viewport: LANDSCAPE_SMALL, locale: 'vi-VN' });
    const page = await context.newPage();
    await page.goto(`${site.url}/kiosk`);
    await page.locator('[data-ready=true] [data-screen=home]').waitFor();
    await page.locator('[data-action=follow]').click();
    const check = page.locator('[data-action=check]');
    const before = await check.evaluate((e) => getComputedStyle(e).backgroundColor);
    await check.click();
    await expect(check.evaluate((e) => getComputedStyle(e).backgroundColor)).resolves.toBe(before);
    const key = page.locator('.key[data-key="1"]');
    await key.click();
    await expect(key.evaluate((e) => getComputedStyle(e).transform)).resolves.toBe('none');
    await context.close();
  });

  it('an unconfigured browser kiosk says so on its home screen at once, and leads to the setup', async () => {
    const context = await browser.newContext({ viewport: PORTRAIT, locale: 'vi-VN' });
    const fresh = await context.newPage();
    await fresh.goto(`${site.url}/kiosk`);
    await fresh.locator('[data-ready=true] [data-screen=home] [data-unconfigured]').waitFor();
    await expect(fresh.locator('[data-unconfigured]').textContent()).resolves.toContain('chưa được cấu hình');
    await fresh.screenshot({ path: screenshotPath('kiosk18-home-unconfigured-1080x1920') });
    expect(await axeViolations(fresh)).toEqual([]);
    await fresh.locator('[data-action=configure]').click();
    await fresh.locator('[data-screen=setup]').waitFor();
    await context.close();
    // A configured kiosk does not say it.
    await kiosk.locator('[data-action=home]').click();
    await expect(kiosk.locator('[data-unconfigured]').count()).resolves.toBe(0);
  });

  it('a long page offers "more time" before the reset, and more time is given', async () => {
    const password = enrolKiosk(site, 'kiosk-idle');
    const context = await browser.newContext({ viewport: LANDSCAPE_SMALL, locale: 'vi-VN' });
    await context.addInitScript(
      (pw) =>
        localStorage.setItem('oss.kiosk.device', JSON.stringify({ deviceId: 'kiosk-idle', password: pw })),
      password,
    );
    const page = await context.newPage();
    // The page's clock jumps ahead: minutes of idling pass at once (the 10 s countdown runs in real time).
    await page.clock.install();
    await page.goto(`${site.url}/kiosk`);
    await page.locator('[data-ready=true] [data-screen=home]').waitFor();
    await page.locator('[data-action=find]').click();
    await page.locator('.result[data-procedure=birth-registration]').click();
    await page.locator('[data-screen=procedure]').waitFor();
    // A long page: 120 s, not the usual 60 s, before the 10 s warning.
    const warning = page.locator('[data-idle-warning]');
    await page.clock.fastForward(109_000);
    await expect(warning.count()).resolves.toBe(0);
    await page.clock.fastForward(2_000);
    const more = warning.locator('[data-action=more-time]');
    await expect(more.textContent()).resolves.toBe('Thêm thời gian');
    await page.screenshot({ path: screenshotPath('kiosk18-idle-more-time-1280x800') });
    expect(await axeViolations(page)).toEqual([]);
    await more.click();
    await warning.waitFor({ state: 'detached' });
    // More time: twice as long again before the next warning, then the reset.
    await page.clock.fastForward(228_000);
    await expect(page.locator('[data-screen=procedure]').count()).resolves.toBe(1);
    await expect(warning.count()).resolves.toBe(0);
    await page.clock.fastForward(3_000);
    await warning.waitFor();
    await page.clock.fastForward(11_000);
    await page.locator('[data-screen=home]').waitFor();
    await context.close();
  }, 120_000);
});

describe.skipIf(!HAVE_CHROMIUM)(
  'the identify screen with a card reader (agent mode)',
  { timeout: 60_000 },
  () => {
    let site: Site;
    let agent: FakeAgent;
    let browser: Browser;

    beforeAll(async () => {
      await ensureBuilt();
      site = await startSite();
      agent = await startFakeAgent(site.url, 'kiosk-chip', enrolKiosk(site, 'kiosk-chip'));
      browser = await launchBrowser();
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      await agent?.close();
      await site?.stop();
    });

    for (const [resolution, viewport] of [
      ['1080x1920', PORTRAIT],
      ['1280x800', LANDSCAPE_SMALL],
    ] as const)
      it(`${resolution}: a failed chip read is not shown after "skip"; the screen fits at "Rất lớn"`, async () => {
        const context = await browser.newContext({ viewport, locale: 'vi-VN' });
        const page = await context.newPage();
        await page.goto(`${agent.url}/kiosk`);
        await page.locator('[data-ready=true] [data-screen=home]').waitFor();
        await expect.poll(() => agent.connected()).toBeGreaterThan(0);
        await page.locator('.a11y-group .chip').nth(2).click();
        await page.locator('[data-action=take]').click();
        await page.locator('[data-service=civil-status]').click();
        await page.locator('[data-screen=identify]').waitFor();
        agent.send({
          type: 'error',
          requestId: null,
          code: 'unavailable',
          message: { vi: 'Không đọc được chip thẻ', en: 'The card chip could not be read' },
        });
        await page.locator('.banner-error', { hasText: 'Không đọc được chip thẻ' }).waitFor();
        await page.screenshot({ path: screenshotPath(`kiosk18-identify-error-${resolution}-size2`) });
        expect(await layoutProblems(page)).toEqual([]);
        expect(await axeViolations(page)).toEqual([]);
        await page.locator('[data-action=skip]').click();
        await page.locator('[data-screen=priority]').waitFor();
        await expect(page.locator('.banner-error').count()).resolves.toBe(0);
        await context.close();
      });
  },
);
