/**
 * axe-core on the pages citizens and staff open, in real Chromium against a real server: no violation
 * of any impact on the status page, the display board, a ticket's page, the booking page, and the
 * dashboard signed out and signed in.
 */
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
  signIn,
  startSite,
} from './harness.ts';

describe.skipIf(!HAVE_CHROMIUM)('no axe violations', () => {
  let site: Site;
  let browser: Browser;
  let ticketId = '';

  beforeAll(async () => {
    await ensureBuilt();
    site = await startSite();
    browser = await launchBrowser();
    const issued = site.server.service.execute(
      { type: 'issue', serviceId: 'civil-status' },
      { result: (events) => ({ ticketId: (events[0] as { ticketId: string }).ticketId }) },
    );
    if (!issued.ok) throw new Error('no ticket issued');
    ticketId = String(issued.result.ticketId);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await site?.stop();
  });

  async function open(path: string, ready: string, viewport = LANDSCAPE): Promise<Page> {
    const page = await browser.newPage({ viewport });
    page.setDefaultTimeout(15_000);
    await page.goto(`${site.url}${path}`);
    await page.locator(ready).first().waitFor();
    return page;
  }

  const pages: [string, string, string, typeof LANDSCAPE][] = [
    ['the display board', '/display?speak=0', '.board[data-ready=true]', LANDSCAPE],
    ['the booking page', '/book', 'h1', PORTRAIT],
    ['the dashboard, signed out', '/dashboard', 'input[name=username]', LANDSCAPE],
  ];
  for (const [name, path, ready, viewport] of pages)
    it(name, async () => {
      const page = await open(path, ready, viewport);
      expect(await axeViolations(page)).toEqual([]);
      await page.close();
    });

  it('the status page: links at least 24 px tall, and it follows the queue without reloading', async () => {
    const page = await open('/', 'h1');
    expect(await axeViolations(page)).toEqual([]);
    const heights = await page
      .locator('a')
      .evaluateAll((as) => as.map((a) => a.getBoundingClientRect().height));
    expect(Math.min(...heights)).toBeGreaterThanOrEqual(24);
    const waiting = page.locator('#live tbody tr').first().locator('td').nth(2);
    const before = Number(await waiting.textContent());
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    site.server.service.execute({ type: 'issue', serviceId: 'civil-status' }, { result: () => ({}) });
    await expect.poll(async () => Number(await waiting.textContent()), { timeout: 15_000 }).toBe(before + 1);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );
    await page.close();
  });

  it("a ticket's page", async () => {
    const page = await open(`/t/${ticketId}`, 'h1', { width: 390, height: 844 });
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('the dashboard, signed in', async () => {
    const page = await open('/dashboard', 'input[name=username]');
    await signIn(page, 'manager', 'demo-manager');
    await page.locator('.dash').first().waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
