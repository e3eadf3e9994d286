/**
 * The server's Content-Security-Policy in real Chromium: every app (and the status page) is served
 * with it and runs under it without a single violation, while an inline script injected into a
 * page is blocked (so the recorder, and the policy, do catch what they must).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  enrolKiosk,
  ensureBuilt,
  HAVE_CHROMIUM,
  LANDSCAPE,
  launchBrowser,
  type Site,
  signIn,
  startSite,
} from './harness.ts';

describe.skipIf(!HAVE_CHROMIUM)('Content-Security-Policy in Chromium', () => {
  let site: Site;
  let browser: Browser;
  /** One context for every page (the dashboard's sign-in then replaces the officer's cookie). */
  let context: BrowserContext;

  beforeAll(async () => {
    await ensureBuilt();
    [site, browser] = await Promise.all([startSite(), launchBrowser()]);
    context = await browser.newContext({ viewport: LANDSCAPE, locale: 'vi-VN' });
    await context.addInitScript(() => {
      const w = window as unknown as { violations: string[] };
      w.violations = [];
      document.addEventListener(
        'securitypolicyviolation',
        (e) => w.violations.push(`${e.violatedDirective} ${e.blockedURI}`),
        true,
      );
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await site?.stop();
  });

  /** Opens `path`, checks it came with the policy, and records every violation on the page. */
  async function open(path: string): Promise<{ page: Page; violations: () => Promise<string[]> }> {
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.setDefaultNavigationTimeout(60_000);
    const logged: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) logged.push(m.text());
    });
    const response = await page.goto(`${site.url}${path}`);
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
    const violations = async () => [
      ...(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)),
      ...logged,
    ];
    return { page, violations };
  }

  /**
   * The violations on `path` once `use` has driven it; the page is then closed, since each app
   * holds a live stream and Chromium opens at most 6 connections to one host.
   */
  async function violationsOn(path: string, use: (page: Page) => Promise<void>): Promise<string[]> {
    const { page, violations } = await open(path);
    await use(page);
    const found = await violations();
    await page.close();
    return found;
  }

  it('the status page, kiosk, display, counter console, dashboard and ticket page run clean', async () => {
    const password = enrolKiosk(site, 'kiosk-csp');
    const issued = await context.request.post(`${site.url}/api/actions/ticket.issue`, {
      data: { serviceId: 'civil-status' },
      headers: { authorization: `Basic ${Buffer.from(`kiosk-csp:${password}`).toString('base64')}` },
    });
    const { ticket } = (await issued.json()) as { ticket: { id: string; number: string } };
    const found = {
      status: await violationsOn('/', (page) => page.locator('table tbody tr').first().waitFor()),
      kiosk: await violationsOn('/kiosk?setup=1', async (page) => {
        await page.locator('input[name=deviceId]').fill('kiosk-csp');
        await page.locator('input[name=devicePassword]').fill(password);
        await page.locator('.setup-form button[type=submit]').click();
        await page.locator('.setup-form .banner-ok').waitFor();
        await page.locator('[data-action=home]').click();
        await page.locator('[data-ready=true]').waitFor();
      }),
      display: await violationsOn('/display', (page) => page.locator('.board[data-ready=true]').waitFor()),
      counter: await violationsOn('/counter?counter=counter-1', async (page) => {
        await signIn(page, 'officer1', 'demo-officer');
        await page.locator('section.current').waitFor();
      }),
      dashboard: await violationsOn('/dashboard', async (page) => {
        await signIn(page, 'manager', 'demo-manager');
        await page.locator('.counter-card').first().waitFor();
      }),
      ticket: await violationsOn(`/t/${ticket.id}`, (page) =>
        page.locator(`[data-ticket-number="${ticket.number}"]`).waitFor(),
      ),
    };
    expect(found).toEqual({ status: [], kiosk: [], display: [], counter: [], dashboard: [], ticket: [] });
  }, 240_000);

  it('an injected inline script is blocked and reported', async () => {
    const { page, violations } = await open('/');
    await page.locator('table').waitFor();
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.body.append(script);
    });
    await expect.poll(violations).toContainEqual(expect.stringMatching(/^script-src/));
    expect(await page.evaluate(() => (window as unknown as { injected?: boolean }).injected)).toBeUndefined();
  }, 60_000);
});
