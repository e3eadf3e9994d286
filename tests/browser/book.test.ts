/**
 * The booking page and the ticket page's feedback form in real Chromium on a 390×844 phone,
 * against a real queue server: book, see the code and its QR, come back to it, cancel; give
 * feedback on a served ticket and find it in the manager's inbox. At the kiosk, at both kiosk
 * resolutions: check a booking in with its code, and look up the dossier the officer received.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zonedEpoch } from '@oss/protocol';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  enrolKiosk,
  ensureBuilt,
  HAVE_CHROMIUM,
  LANDSCAPE_SMALL,
  launchBrowser,
  PORTRAIT,
  type Site,
  screenshotPath,
  signIn,
  staffSession,
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
    // The card's number is checked before anything is sent, then only its keyed hash is stored.
    const card = page.getByLabel('Số CCCD để lấy số bằng thẻ (không bắt buộc)');
    await card.fill('07920400123');
    await page.getByRole('button', { name: 'Đặt lịch', exact: true }).click();
    await page.getByText('Số CCCD gồm đúng 12 chữ số.', { exact: false }).waitFor();
    expect(await page.locator('.book-code').count()).toBe(0);
    await card.fill('079204001234');
    await page.screenshot({ path: screenshotPath('book-phone-slot'), fullPage: true });
    await page.getByRole('button', { name: 'Đặt lịch', exact: true }).click();
    await page.locator('[data-by-card]').waitFor();
    for (const file of readdirSync(site.dataDir).filter((f) => f.startsWith('site.sqlite')))
      expect(readFileSync(join(site.dataDir, file)).includes('079204001234')).toBe(false);
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
    const { items } = (await inbox.json()) as {
      items: { id: string; ticketId: string; reasons: { id: string }[] }[];
    };
    expect(items.find((i) => i.ticketId === ticket.id)?.reasons.map((r) => r.id)).toEqual([
      'long-wait',
      'unclear-guidance',
    ]);

    // The manager's inbox on the dashboard: taken in hand, then answered with a note.
    const feedbackId = items.find((i) => i.ticketId === ticket.id)!.id;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' });
    const dash = await context.newPage();
    await dash.goto(`${site.url}/dashboard`);
    await signIn(dash, 'manager', 'demo-manager');
    const item = dash.locator(`[data-feedback="${feedbackId}"]`);
    await item.getByText('Chờ quá lâu · Hướng dẫn không rõ ràng').waitFor();
    await item.getByText('Cán bộ hướng dẫn thiếu giấy tờ.').waitFor();
    // Today's waits of booked citizens apart from walk-ins (the served ticket above is a walk-in).
    const walkIns = dash.locator('[data-panel=appointments] tr[data-row=walk-in]');
    await walkIns.waitFor();
    expect(await walkIns.locator('td').first().textContent()).toMatch(/phút/);
    await item.getByRole('button', { name: 'Đang xử lý' }).click();
    await dash.locator(`[data-feedback="${feedbackId}"][data-status=in_progress]`).waitFor();
    await item.getByLabel('Nội dung trả lời').fill('Đã nhắc cán bộ hướng dẫn đủ giấy tờ theo quy định.');
    await dash.screenshot({ path: screenshotPath('dashboard-inbox'), fullPage: true });
    await item.getByRole('button', { name: 'Đã trả lời' }).click();
    await dash.locator(`[data-feedback="${feedbackId}"][data-status=answered]`).waitFor();
    // Who handled it, and the officer, by their staff accounts' names (not usernames).
    await item.getByText('Người xử lý: Trưởng bộ phận một cửa').waitFor();
    await context.close();
  }, 90_000);
});

describe.skipIf(!HAVE_CHROMIUM)('the kiosk: a booking checked in, a dossier looked up', () => {
  // Monday 7 December 2026, 09:50 in Hồ Chí Minh City: ten minutes before a 10:00 booking.
  const now = zonedEpoch('2026-12-07', 9 * 60 + 50, 'Asia/Ho_Chi_Minh');
  let site: Site;
  let browser: Browser;

  beforeAll(async () => {
    await ensureBuilt();
    site = await startSite(() => now);
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await site?.stop();
  });

  for (const viewport of [PORTRAIT, LANDSCAPE_SMALL]) {
    const name = viewport === PORTRAIT ? 'portrait' : 'landscape';
    it(`checks a booking in and looks its dossier up (${name})`, async () => {
      const booked = await fetch(`${site.url}/api/appointments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ serviceId: 'civil-status', start: '2026-12-07T10:00:00+07:00' }),
      });
      const { appointment } = (await booked.json()) as { appointment: { id: string; code: string } };
      const password = enrolKiosk(site, `kiosk-${name}`);
      const context = await browser.newContext({ viewport, locale: 'vi-VN' });
      const kiosk = await context.newPage();
      await kiosk.goto(`${site.url}/kiosk?setup=1`);
      await kiosk.locator('input[name=deviceId]').fill(`kiosk-${name}`);
      await kiosk.locator('input[name=devicePassword]').fill(password);
      await kiosk.locator('.setup-form button[type=submit]').click();
      await kiosk.locator('.setup-form .banner-ok').waitFor();
      await kiosk.locator('[data-action=home]').click();
      await kiosk.locator('[data-ready=true]').waitFor();
      await kiosk.screenshot({ path: screenshotPath(`kiosk-home-appointment-${name}`) });

      await kiosk.locator('[data-action=appointment]').click();
      for (const k of 'ZZZZZZ') await kiosk.locator(`.key[data-key="${k}"]`).click();
      await kiosk.locator('[data-action=go]').click();
      await kiosk.getByText('Không tìm thấy lịch hẹn với mã này').waitFor();
      await kiosk.locator('.key[data-key=clear]').click();
      // Typing again clears the stale message.
      for (const k of appointment.code) await kiosk.locator(`.key[data-key="${k}"]`).click();
      expect(await kiosk.getByText('Không tìm thấy lịch hẹn với mã này').count()).toBe(0);
      await kiosk.screenshot({ path: screenshotPath(`kiosk-appointment-${name}`) });
      await kiosk.locator('[data-action=go]').click();
      await kiosk.locator('[data-screen=ticket]').waitFor();
      await kiosk.screenshot({ path: screenshotPath(`kiosk-appointment-ticket-${name}`) });
      const check = await fetch(`${site.url}/api/appointments/by-code/${appointment.code}`);
      const { appointment: after } = (await check.json()) as {
        appointment: { status: string; ticketId: string };
      };
      expect(after.status).toBe('checked_in');
      const ticket = (await (await fetch(`${site.url}/api/tickets/${after.ticketId}`)).json()) as {
        ticket: { priority: string; number: string };
      };
      expect(ticket.ticket.priority).toBe('appointment');
      expect(await kiosk.locator('[data-screen=ticket]').textContent()).toContain(ticket.ticket.number);

      // The officer receives the dossier; the citizen looks it up at the kiosk.
      const code = `000.00.31.H29-261207-000${name.length}`;
      const { post } = await staffSession(site, 'officer1', 'demo-officer');
      await post('/api/counters/counter-1/sign-in', {});
      await post('/api/actions/counter.next', { counterId: 'counter-1' });
      const finished = await post('/api/actions/counter.finish', {
        counterId: 'counter-1',
        ticketId: after.ticketId,
        dossierCodes: [code],
      });
      expect(finished.status).toBe(200);

      await kiosk.locator('[data-action=done]').click();
      await kiosk.locator('[data-action=dossier]').click();
      for (const k of code) await kiosk.locator(`.key[data-key="${k}"]`).click();
      await kiosk.locator('[data-action=go]').click();
      await kiosk.locator('.dossier-answer[data-status=received]').waitFor();
      expect(await kiosk.locator('.dossier-answer').textContent()).toContain('Đã tiếp nhận');
      await kiosk.screenshot({ path: screenshotPath(`kiosk-dossier-${name}`) });
      await context.close();
    }, 120_000);
  }
});
