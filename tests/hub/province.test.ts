/**
 * The province app in Debian's Chromium against a real hub: one real site server feeding it, and two
 * more sites speaking the feed protocol over MQTT (one slow, one gone offline). Screenshots at
 * 1920×1080 in test-artifacts/screenshots/.
 */
import { type RunningHub, setStaff } from '@oss/hub';
import { type FeedEvent, hubTopics, localDate } from '@oss/protocol';
import type { RunningServer } from '@oss/queue-server';
import { tempDir, waitFor } from '@oss/tests';
import mqtt from 'mqtt';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureBuilt,
  HAVE_CHROMIUM,
  LANDSCAPE,
  launchBrowser,
  screenshotPath,
  signIn,
} from '../browser/harness.ts';
import { enrolAt, inProcess, lastSeq, serveCitizens, startTestHub, startTestServer } from './harness.ts';

const ZONE = 'Asia/Ho_Chi_Minh';
const MIN = 60_000;
const hubDir = tempDir('oss-hub-app-');
const siteDir = tempDir('oss-site-app-');
let hub: RunningHub;
let server: RunningServer;
let browser: Browser;
let manager: { username: string; password: string };

/** A site that speaks the feed protocol itself: its info, a day of `tickets`, then its status. */
async function protocolSite(id: string, name: string, waitMinutes: number, tickets: number, online: boolean) {
  const { creds } = await enrolAt(hub, id);
  const client = await mqtt.connectAsync(hub.mqttUrl, { ...creds, reconnectPeriod: 0 });
  const now = Date.now();
  const start = now - (tickets + waitMinutes + 10) * MIN;
  const events: FeedEvent[] = [{ type: 'day.started', seq: 1, at: start, day: localDate(now, ZONE) }];
  for (let i = 0; i < tickets; i++) {
    const issuedAt = start + i * MIN;
    const ticketId = `${id}-t${i}`;
    events.push({
      type: 'ticket.issued',
      seq: events.length + 1,
      at: issuedAt,
      ticketId,
      number: `A${String(i + 1).padStart(3, '0')}`,
      serviceId: 'civil-status',
      priority: 'normal',
      priorityBasis: 'none',
      issuedAt,
      offline: false,
    });
    if (i < tickets - 2)
      events.push({
        type: 'ticket.called',
        seq: events.length + 1,
        at: issuedAt + waitMinutes * MIN,
        ticketId,
        counterId: 'counter-1',
        officerId: null,
      });
  }
  await client.publishAsync(
    hubTopics.info(id),
    JSON.stringify({
      v: 1,
      site: id,
      name: { vi: name, en: name },
      timeZone: ZONE,
      waitTargetMinutes: 15,
      services: [],
      counters: [],
    }),
    { qos: 1, retain: true },
  );
  const batch = { v: 1, site: id, from: 1, to: events.length, events };
  await client.publishAsync(hubTopics.feed(id), JSON.stringify(batch), { qos: 1 });
  await client.publishAsync(hubTopics.status(id), JSON.stringify({ online }), { qos: 1, retain: true });
  await waitFor(async () => (await hub.store.findSite(id))?.last_seq === events.length, `${id} at the hub`);
  await client.endAsync();
}

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  await ensureBuilt();
  hub = await startTestHub(hubDir.path);
  const { siteEnv } = await enrolAt(hub, 'demo');
  server = await startTestServer(siteDir.path, siteEnv);
  await serveCitizens(inProcess(server), 5, 'a');
  await waitFor(
    async () => (await hub.store.findSite('demo'))?.last_seq === lastSeq(siteDir.path),
    'demo at the hub',
  );
  await protocolSite('xa-tan-phu', 'Xã Tân Phú', 42, 14, true);
  await protocolSite('phuong-an-khanh', 'Phường An Khánh', 6, 9, false);
  manager = await setStaff(hub.store, 'tinh', 'manager', Date.now());
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await hub?.stop();
  hubDir.remove();
  siteDir.remove();
});

describe.skipIf(!HAVE_CHROMIUM)('the province app', () => {
  it('shows every site with its live state and alerts, sorted and filtered, and a site’s day', async () => {
    const page = await browser.newPage({ viewport: LANDSCAPE });
    await page.goto(`http://127.0.0.1:${hub.httpPort}/province`);
    await signIn(page, manager.username, manager.password);
    const rows = page.locator('table[data-table=sites] tbody tr[data-site]');
    await waitFor(async () => (await rows.count()) === 3, 'three sites');

    // Sorted by alerts first: the slow site and the offline one before the healthy demo site.
    const order = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-site')));
    expect(order.at(-1)).toBe('demo');
    await expect
      .poll(() => page.locator('tr[data-site=xa-tan-phu] [data-alert=over-target]').count())
      .toBe(1);
    expect(await page.locator('tr[data-site=phuong-an-khanh] [data-alert=offline]').count()).toBe(1);
    expect(await page.locator('tr[data-site=demo] [data-alert]').count()).toBe(0);
    expect(await page.locator('tr[data-site=xa-tan-phu]').textContent()).toContain('42 phút');
    await page.screenshot({ path: screenshotPath('province-1920x1080') });

    // Filter without accents, then by alerts only.
    await page.locator('input[name=site-filter]').fill('tan phu');
    await waitFor(async () => (await rows.count()) === 1, 'one site after filtering');
    await page.locator('input[name=site-filter]').fill('');
    await page.locator('text=Chỉ đơn vị có cảnh báo').click();
    await waitFor(async () => (await rows.count()) === 2, 'the two sites with alerts');
    await page.locator('text=Chỉ đơn vị có cảnh báo').click();

    // Sort by mean wait, ascending then descending.
    await page.locator('th[data-sort=meanWait]').click();
    expect(await rows.first().getAttribute('data-site')).toBe('xa-tan-phu');

    // A site's day: the chart and its tickets, as the site knows them.
    await page.locator('tr[data-site=demo]').click();
    const tickets = page.locator('[data-panel=site-day] table[data-table=tickets] tbody tr');
    await waitFor(async () => (await tickets.count()) === 5, 'the demo site’s five tickets');
    expect(await page.locator('[data-panel=site-day] svg.chart circle').count()).toBeGreaterThan(0);
    const firstTicket = await tickets.first().textContent();
    expect(firstTicket).toContain('Đã gọi');
    expect(firstTicket).toContain(server.config.services[0]!.name.vi);
    await page.screenshot({ path: screenshotPath('province-site-day-1920x1080') });

    // English on demand.
    await page.locator('button.lang-switch').click();
    expect(await page.locator('th[data-sort=meanWait]').textContent()).toContain('Mean wait');
    await page.close();
  }, 120_000);
});
