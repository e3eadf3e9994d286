/**
 * The booking page and the ticket page's feedback form in real Chromium on a 390×844 phone,
 * against a real queue server: book, see the code and its QR, come back to it, cancel; give
 * feedback on a served ticket and find it in the manager's inbox.
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
  startSite,
} from './harness.ts';

const PHONE = { width: 390, height: 844 };

describe.skipIf(!HAVE_CHROMIUM)('booking and feedback on a phone', () => {
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

  async function phonePage(path: string): Promise<Page> {
    const context = await browser.newContext({
      viewport: PHONE,
      locale: 'vi-VN',
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await page.goto(`${site.url}${path}`);
    return page;
  }

  it('books a slot found by everyday words, shows the code and QR, keeps it, and cancels it', async () => {
    const page = await phonePage('/book');
    await page.getByRole('searchbox').fill('khai sinh');
    await page
      .getByRole('button', { name: /Đăng ký khai sinh/ })
      .first()
      .click();
    // The first day that still has a free slot (today may be over or a Sunday).
    const days = page.locator('.book-days button');
    for (let i = 0; i < (await days.count()); i++) {
      await days.nth(i).click();
      await page.waitForFunction(() => !document.body.textContent?.includes('Đang tải…'));
      if ((await page.locator('.book-slots button:not([disabled])').count()) > 0) break;
    }
    await page.locator('.book-slots button:not([disabled])').first().click();
    await page.getByLabel('Số điện thoại để nhắc lịch (không bắt buộc)').fill('0912 345 678');
    await page.screenshot({ path: screenshotPath('book-phone-slot'), fullPage: true });
    await page.getByRole('button', { name: 'Đặt lịch', exact: true }).click();
    const code = await page.locator('.book-code').getAttribute('data-code');
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
    expect(await page.locator('svg.qr').getAttribute('data-qr')).toBe(code);
    await page.screenshot({ path: screenshotPath('book-phone-done'), fullPage: true });

    const check = await fetch(`${site.url}/api/appointments/by-code/${code}`);
    expect(((await check.json()) as { appointment: { status: string } }).appointment.status).toBe('booked');

    await page.reload();
    await expect.poll(() => page.locator('.book-code').getAttribute('data-code')).toBe(code);
    await page.getByRole('button', { name: 'Hủy lịch hẹn' }).click();
    await page.getByText('Lịch hẹn đã được hủy.').waitFor();
    const after = await fetch(`${site.url}/api/appointments/by-code/${code}`);
    expect(((await after.json()) as { appointment: { status: string } }).appointment.status).toBe(
      'cancelled',
    );
  }, 60_000);

  it('asks a served citizen why, once, and the complaint reaches the manager', async () => {
    const password = enrolKiosk(site, 'kiosk-book');
    const basic = `Basic ${Buffer.from(`kiosk-book:${password}`).toString('base64')}`;
    const post = (path: string, body: unknown, headers: Record<string, string>) =>
      fetch(`${site.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const issued = await post(
      '/api/actions/ticket.issue',
      { serviceId: 'results' },
      { authorization: basic },
    );
    const { ticket } = (await issued.json()) as { ticket: { id: string } };
    const login = await post('/api/auth/login', { username: 'officer1', password: 'demo-officer' }, {});
    const officer = { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0]! };
    await post('/api/counters/counter-8/sign-in', {}, officer);
    for (let i = 0; i < 10; i++) {
      const next = (await (
        await post('/api/actions/counter.next', { counterId: 'counter-8' }, officer)
      ).json()) as {
        ticket: { id: string } | null;
      };
      if (next.ticket?.id === ticket.id) break;
    }
    await post('/api/actions/counter.finish', { counterId: 'counter-8', ticketId: ticket.id }, officer);

    const page = await phonePage(`/t/${ticket.id}`);
    await page.getByRole('heading', { name: 'Góp ý về lần phục vụ này' }).waitFor();
    await page.getByRole('button', { name: 'Gửi góp ý' }).click();
    await page.getByText('Quý khách vui lòng chọn ít nhất một lý do.').waitFor();
    await page.getByLabel('Chờ quá lâu').check();
    await page.getByLabel('Hướng dẫn không rõ ràng').check();
    expect(await page.getByText('Quý khách vui lòng chọn ít nhất một lý do.').count()).toBe(0);
    await page.getByLabel('Nội dung (không bắt buộc)').fill('Cán bộ hướng dẫn thiếu giấy tờ.');
    await page.screenshot({ path: screenshotPath('ticket-phone-feedback'), fullPage: true });
    await page.getByRole('button', { name: 'Gửi góp ý' }).click();
    await page.getByText('Cảm ơn quý khách đã góp ý.', { exact: false }).waitFor();

    const manager = await post('/api/auth/login', { username: 'manager', password: 'demo-manager' }, {});
    const inbox = await fetch(`${site.url}/api/feedback`, {
      headers: { cookie: (manager.headers.get('set-cookie') ?? '').split(';')[0]! },
    });
    const { items } = (await inbox.json()) as { items: { ticketId: string; reasons: { id: string }[] }[] };
    expect(items.find((i) => i.ticketId === ticket.id)?.reasons.map((r) => r.id)).toEqual([
      'long-wait',
      'unclear-guidance',
    ]);
  }, 60_000);
});
