/**
 * The ticket's phone page on a low-end phone over a slow link (Chromium's CPU and network throttling
 * through the DevTools protocol): it loads within a small byte budget, shows people ahead live, and
 * when the number is called, or called again, it chimes, vibrates and says so in the tab's title.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  enrolKiosk,
  ensureBuilt,
  HAVE_CHROMIUM,
  launchBrowser,
  type Site,
  screenshotPath,
  staffSession,
  startSite,
} from './harness.ts';

const PHONE = { width: 360, height: 740 };
/** What the page may download before it shows the ticket (JS, CSS, HTML, the ticket): ~2 s on 3G. */
const BYTE_BUDGET = 150_000;

/** Records what the page asks of the phone's speaker and vibration motor (the real APIs still run). */
const RECORDER = `
  window.__vibrations = [];
  window.__tones = 0;
  const vibrate = navigator.vibrate?.bind(navigator);
  navigator.vibrate = (pattern) => { window.__vibrations.push(pattern); return vibrate ? vibrate(pattern) : false; };
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args) { window.__tones++; return start.apply(this, args); };
`;

describe.skipIf(!HAVE_CHROMIUM)('the ticket page on a slow phone', () => {
  let site: Site;
  let browser: Browser;
  let officer: string;
  let kiosk: string;

  const post = (path: string, body: unknown, headers: Record<string, string>) =>
    fetch(`${site.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const issue = async () =>
    (
      (await (
        await post('/api/actions/ticket.issue', { serviceId: 'results' }, { authorization: kiosk })
      ).json()) as {
        ticket: { id: string; number: string };
      }
    ).ticket;
  const act = (action: string, body: Record<string, unknown>) =>
    post(`/api/actions/${action}`, { counterId: 'counter-8', ...body }, { cookie: officer });

  beforeAll(async () => {
    await ensureBuilt();
    site = await startSite();
    browser = await launchBrowser();
    const password = enrolKiosk(site, 'kiosk-phone');
    kiosk = `Basic ${Buffer.from(`kiosk-phone:${password}`).toString('base64')}`;
    officer = (await staffSession(site, 'officer1', 'demo-officer')).cookie;
    expect((await post('/api/counters/counter-8/sign-in', {}, { cookie: officer })).status).toBe(200);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await site?.stop();
  });

  async function slowPhone(path: string): Promise<{ page: Page; bytes: () => number }> {
    const context = await browser.newContext({
      viewport: PHONE,
      locale: 'vi-VN',
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await page.addInitScript(RECORDER);
    const cdp = await context.newCDPSession(page);
    // Lighthouse's "slow 4G" profile on a phone four times slower than this machine.
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 150,
      downloadThroughput: (1.6 * 1024 * 1024) / 8,
      uploadThroughput: (750 * 1024) / 8,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    let bytes = 0;
    cdp.on('Network.loadingFinished', (e) => {
      bytes += e.encodedDataLength;
    });
    await page.goto(`${site.url}${path}`, { timeout: 60_000 });
    return { page, bytes: () => bytes };
  }

  it('loads lightly, follows the queue live, and rings and vibrates at the call and the recall', async () => {
    const first = await issue(); // someone ahead
    const mine = await issue();
    const { page, bytes } = await slowPhone(`/t/${mine.id}`);
    await page.locator(`[data-ticket-number="${mine.number}"]`).waitFor({ timeout: 60_000 });
    expect(bytes()).toBeGreaterThan(0);
    expect(bytes()).toBeLessThan(BYTE_BUDGET);
    const ahead = () => page.locator('[data-ahead]').getAttribute('data-ahead');
    expect(await ahead()).toBe('1');

    // One tap unlocks the sound and plays a sample, so the citizen knows what to listen for.
    await page.getByRole('button', { name: 'Bật chuông báo khi đến lượt' }).tap();
    await page.getByText('Chuông báo đã bật', { exact: false }).waitFor();
    const sample = await page.evaluate(() => (window as unknown as { __tones: number }).__tones);
    expect(sample).toBeGreaterThanOrEqual(2);

    // The one ahead is called: the page says nobody is ahead now, and does not ring.
    const next = (await (await act('counter.next', {})).json()) as { ticket: { id: string } };
    expect(next.ticket.id).toBe(first.id);
    await expect.poll(ahead, { timeout: 30_000 }).toBe('0');
    await act('counter.finish', { ticketId: first.id });
    expect(
      await page.evaluate(() => (window as unknown as { __vibrations: unknown[] }).__vibrations.length),
    ).toBe(1);

    // Our call: the page says where to go, rings, vibrates and titles the tab.
    await act('counter.next', {});
    await page.locator('[data-status=called]').waitFor({ timeout: 30_000 });
    await page.getByText('Mời đến quầy số 8').waitFor();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __vibrations: unknown[] }).__vibrations.length))
      .toBe(2);
    expect(
      await page.evaluate(() => (window as unknown as { __tones: number }).__tones),
    ).toBeGreaterThanOrEqual(sample + 2);
    expect(await page.title()).toContain(mine.number);
    await page.screenshot({ path: screenshotPath('ticket-phone-called') });

    // Called again (the citizen did not come): rings again.
    await act('counter.recall', {});
    await expect
      .poll(
        () => page.evaluate(() => (window as unknown as { __vibrations: unknown[] }).__vibrations.length),
        {
          timeout: 30_000,
        },
      )
      .toBe(3);
    await act('counter.finish', { ticketId: mine.id });
  }, 180_000);

  it('opened after the call, the page says so without ringing', async () => {
    const mine = await issue();
    for (let i = 0; i < 10; i++) {
      const next = (await (await act('counter.next', {})).json()) as { ticket: { id: string } | null };
      if (next.ticket?.id === mine.id) break;
      if (next.ticket) await act('counter.finish', { ticketId: next.ticket.id });
    }
    const { page } = await slowPhone(`/t/${mine.id}`);
    await page.locator('[data-status=called]').waitFor({ timeout: 60_000 });
    expect(
      await page.evaluate(() => (window as unknown as { __vibrations: unknown[] }).__vibrations.length),
    ).toBe(0);
  }, 120_000);
});
