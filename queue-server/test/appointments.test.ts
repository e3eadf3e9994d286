/**
 * Appointments, dossiers and feedback (PROTOCOL.md §6) through real HTTP and MQTT against a real
 * server and SQLite file, with the server's clock set to a Monday morning of the demo site.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { type ResponseEnvelope, zonedEpoch } from '@oss/protocol';
import type { WaitStats } from '@oss/protocol/http';
import { compileSite } from '@oss/queue-server/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSiteConfig } from '../src/config/load.ts';
import { HttpJsonDossierSource } from '../src/dossiers.ts';
import type { RunningServer } from '../src/server.ts';
import {
  connectDevice,
  type DeviceClient,
  enrolDevice,
  okResult,
  signIn,
  startTestServer,
  tempDir,
} from './helpers.ts';

const TZ = 'Asia/Ho_Chi_Minh';
const MONDAY = '2026-12-07';
const at = (day: string, hhmm: string) =>
  zonedEpoch(day, Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)), TZ);

let dir: ReturnType<typeof tempDir>;
let server: RunningServer;
let base: string;
let clock = at(MONDAY, '08:00');
let manager: string;
let officer: string;
let kiosk: DeviceClient;

const post = (path: string, body: unknown, cookie?: string) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
const getJson = async <T>(path: string, cookie?: string) => {
  const res = await fetch(`${base}${path}`, cookie ? { headers: { cookie } } : {});
  return { status: res.status, body: (await res.json()) as T };
};

interface Appointment {
  id: string;
  code: string;
  serviceId: string;
  start: string;
  end: string;
  status: string;
}
async function book(serviceId: string, start: string, phone?: string) {
  const res = await post('/api/appointments', { serviceId, start, ...(phone ? { phone } : {}) });
  return {
    status: res.status,
    body: (await res.json()) as { appointment: Appointment; error?: { code: string } },
  };
}

async function issue(params: Record<string, unknown>): Promise<ResponseEnvelope> {
  return kiosk.request('ticket.issue', { serviceId: 'civil-status', ...params });
}

/** The ticket of a successful response; a refusal fails the test. */
function ticketOf(r: ResponseEnvelope): { id: string; priority: string; serviceId: string } {
  return okResult<{ ticket: { id: string; priority: string; serviceId: string } }>(r).ticket;
}

async function action(name: string, body: Record<string, unknown>) {
  const res = await post(`/api/actions/${name}`, body, officer);
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown> & { error?: { code: string } },
  };
}

beforeAll(async () => {
  dir = tempDir();
  server = await startTestServer(dir.path, {}, { clock: () => clock });
  base = `http://127.0.0.1:${server.httpPort}`;
  manager = await signIn(base, 'manager', 'demo-manager');
  officer = await signIn(base, 'officer1', 'demo-officer');
  kiosk = await connectDevice(server.mqttUrl, 'demo', enrolDevice(server, ['kiosk-appt', 'kiosk']));
});

afterAll(async () => {
  await kiosk?.close();
  await server?.stop();
  dir?.remove();
});

describe('slots and booking', () => {
  it('lists the future slots of an open day with the places left, none on a Sunday', async () => {
    const { body } = await getJson<{ slots: { start: string; end: string; free: number }[] }>(
      `/api/appointments/slots?serviceId=civil-status&day=${MONDAY}`,
    );
    expect(body.slots[0]).toEqual({
      start: '2026-12-07T08:30:00.000+07:00',
      end: '2026-12-07T09:00:00.000+07:00',
      free: 2,
    });
    expect(body.slots.some((s) => s.start.startsWith('2026-12-07T11:30'))).toBe(false);
    expect(body.slots.some((s) => s.start.startsWith('2026-12-07T13:00'))).toBe(true);
    const sunday = await getJson<{ slots: unknown[] }>(
      '/api/appointments/slots?serviceId=land&day=2026-12-13',
    );
    expect(sunday.body.slots).toEqual([]);
    expect((await getJson(`/api/appointments/slots?serviceId=civil-status&day=2026-02-30`)).status).toBe(400);
    expect((await getJson(`/api/appointments/slots?serviceId=nope&day=${MONDAY}`)).status).toBe(404);
  });

  it('books a slot until it is full, and refuses past, misaligned and far slots', async () => {
    const first = await book('land', '2026-12-07T09:00:00.000+07:00');
    expect(first.status).toBe(201);
    expect(first.body.appointment).toMatchObject({ serviceId: 'land', status: 'booked' });
    expect(first.body.appointment.code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
    expect((await book('land', '2026-12-07T09:00:00+07:00')).status).toBe(201);
    const full = await book('land', '2026-12-07T09:00:00+07:00');
    expect(full.status).toBe(409);
    expect(full.body.error?.code).toBe('conflict');
    const slots = await getJson<{ slots: { start: string; free: number }[] }>(
      `/api/appointments/slots?serviceId=land&day=${MONDAY}`,
    );
    expect(slots.body.slots.find((s) => s.start.startsWith('2026-12-07T09:00'))?.free).toBe(0);
    expect((await book('land', '2026-12-07T07:30:00+07:00')).status).toBe(409); // past
    expect((await book('land', '2026-12-07T09:10:00+07:00')).status).toBe(400); // not a slot
    expect((await book('land', '2027-03-01T09:00:00+07:00')).status).toBe(409); // beyond daysAhead
    expect((await book('results', '2026-12-08T09:00:00+07:00')).status).toBe(400); // not bookable
  });

  it('limits bookings per phone number a day and per address an hour', async () => {
    expect((await book('social', '2026-12-08T09:00:00+07:00', '0912345678')).status).toBe(201);
    expect((await book('social', '2026-12-08T10:00:00+07:00', '+84912345678')).status).toBe(201);
    const third = await book('social', '2026-12-08T10:30:00+07:00', '0912345678');
    expect(third.status).toBe(429);
    expect((await book('social', '2026-12-08T10:30:00+07:00', '12345')).status).toBe(400);
    // 10 an hour from one address: this test's bookings and the previous test's reach it.
    let status = 201;
    for (let i = 0; i < 10 && status !== 429; i++)
      status = (await book('business', `2026-12-09T${String(8 + (i % 3)).padStart(2, '0')}:00:00+07:00`))
        .status;
    expect(status).toBe(429);
    clock += 3_600_000; // a new hour: the address may book again
    expect((await book('business', '2026-12-09T13:00:00+07:00')).status).toBe(201);
  });

  it('cancels with the code only, frees the place, and keeps no phone after the day', async () => {
    const { body } = await book('construction', '2026-12-10T09:00:00+07:00', '0987654321');
    const { id, code } = body.appointment;
    const wrong = await fetch(`${base}/api/appointments/${id}?code=AAAAAA`, { method: 'DELETE' });
    expect(wrong.status).toBe(404);
    const ok = await fetch(`${base}/api/appointments/${id}?code=${code.toLowerCase()}`, { method: 'DELETE' });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { appointment: Appointment }).appointment.status).toBe('cancelled');
    const slots = await getJson<{ slots: { start: string; free: number }[] }>(
      '/api/appointments/slots?serviceId=construction&day=2026-12-10',
    );
    expect(slots.body.slots.find((s) => s.start.startsWith('2026-12-10T09:00'))?.free).toBe(2);
    expect(server.service.visits.forgetPhonesBefore('2026-12-11')).toBeGreaterThan(0);
    const bytes = readFileSync(join(dir.path, 'site.sqlite'));
    expect(bytes.includes('0987654321')).toBe(false);
  });
});

describe('check-in at the kiosk (ticket.issue with appointmentCode)', () => {
  let appointment: Appointment;
  beforeAll(async () => {
    clock = at(MONDAY, '08:05');
    appointment = (await book('certification', '2026-12-07T10:00:00+07:00')).body.appointment;
  });

  it('refuses an early arrival with the time to come back, then checks in on time once', async () => {
    clock = at(MONDAY, '09:00');
    const early = await issue({ appointmentCode: appointment.code });
    expect(early.ok).toBe(false);
    if (!early.ok) expect(early.error.message).toMatch(/09:30/);
    clock = at(MONDAY, '09:50');
    const first = await issue({ appointmentCode: appointment.code.toLowerCase(), serviceId: 'land' });
    expect(first.ok).toBe(true);
    const ticket = ticketOf(first);
    expect(ticket).toMatchObject({ priority: 'appointment', serviceId: 'certification' });
    const again = await issue({ appointmentCode: appointment.code });
    expect(ticketOf(again).id).toBe(ticket.id);
    ticketOf(await issue({ serviceId: 'certification' })); // a walk-in beside the booked citizen
    clock += 5 * 60_000;
    const day = await getJson<{
      appointments: Appointment[];
      counts: { checkedIn: number };
      bookedShare: number | null;
      waits: { booked: WaitStats; walkIn: WaitStats } | null;
    }>(`/api/appointments?day=${MONDAY}`, manager);
    expect(day.body.appointments.find((a) => a.id === appointment.id)?.status).toBe('checked_in');
    expect(day.body.counts.checkedIn).toBe(1);
    // The booked citizen's wait is counted apart from the walk-ins', and the share is of today's tickets.
    expect(day.body.waits?.booked).toMatchObject({ waiting: 1, called: 0 });
    expect(day.body.waits?.walkIn.waiting).toBeGreaterThanOrEqual(1);
    const { tickets } = server.service.core.state;
    expect(day.body.bookedShare).toBeCloseTo(1 / tickets.size);
    const other = await getJson<{ waits: unknown; bookedShare: unknown }>(
      `/api/appointments?day=2026-12-08`,
      manager,
    );
    expect(other.body).toMatchObject({ waits: null, bookedShare: null });
    const used = await fetch(`${base}/api/appointments/${appointment.id}?code=${appointment.code}`, {
      method: 'DELETE',
    });
    expect(used.status).toBe(409);
  });

  it('gives a late arrival a normal ticket, and refuses wrong codes and declared appointment priority', async () => {
    const late = (await book('social', '2026-12-07T10:00:00+07:00')).body.appointment;
    clock = at(MONDAY, '10:40');
    const r = await issue({ appointmentCode: late.code });
    expect(ticketOf(r).priority).toBe('normal');
    const wrong = await issue({ appointmentCode: 'ZZZZZZ' });
    expect(wrong.ok ? null : wrong.error.code).toBe('not_found');
    const declared = await issue({ priority: 'appointment' });
    expect(declared.ok ? null : declared.error.code).toBe('forbidden');
    const overHttp = await action('ticket.issue', { serviceId: 'civil-status', priority: 'appointment' });
    expect(overHttp.status).toBe(403);
    const declarable = await issue({ priority: 'pregnant' });
    expect(ticketOf(declarable).priority).toBe('pregnant');
  });

  it('says which day a booking of another day is for', async () => {
    const tomorrow = (await book('civil-status', '2026-12-08T09:00:00+07:00')).body.appointment;
    const r = await issue({ appointmentCode: tomorrow.code });
    expect(r.ok ? null : r.error.message).toMatch(/08\/12\/2026/);
  });
});

describe('check-in with the CCCD card the booking was made with', () => {
  it('gives the appointment ticket to that card only, once, and keeps just a keyed hash until the day is over', async () => {
    const ID = '079301007064';
    const res = await post('/api/appointments', {
      serviceId: 'business',
      start: '2026-12-07T11:00:00+07:00',
      idNumber: ID,
    });
    expect(res.status).toBe(201);
    const booked = ((await res.json()) as { appointment: Appointment }).appointment;
    clock = at(MONDAY, '10:50');
    const other = await issue({ priority: 'appointment', citizen: { idNumber: '079301009999' } });
    expect(other.ok ? null : other.error.code).toBe('forbidden');
    const byCard = await issue({ priority: 'appointment', citizen: { idNumber: ID } });
    expect(ticketOf(byCard)).toMatchObject({ priority: 'appointment', serviceId: 'business' });
    const again = await issue({ priority: 'appointment', citizen: { idNumber: ID } });
    expect(ticketOf(again).id).toBe(ticketOf(byCard).id);
    const day = await getJson<{ appointments: Appointment[] }>(`/api/appointments?day=${MONDAY}`, manager);
    expect(day.body.appointments.find((a) => a.id === booked.id)?.status).toBe('checked_in');

    const files = () => readdirSync(dir.path).map((f) => readFileSync(join(dir.path, f)));
    for (const bytes of files()) expect(bytes.includes(ID)).toBe(false);
    const hash = server.service.citizenHashOf(ID);
    expect(server.service.visits.bookingOfCitizen(hash, MONDAY)?.id).toBe(booked.id);
    server.service.visits.forgetPhonesBefore('2026-12-08');
    expect(server.service.visits.bookingOfCitizen(hash, MONDAY)).toBeNull();
  });
});

describe('dossiers received at the counter, looked up at the kiosk', () => {
  const CODE = '000.00.31.H29-261207-0001';
  let ticketId: string;

  beforeAll(async () => {
    const r = await issue({ serviceId: 'results' });
    ticketId = ticketOf(r).id;
    await post('/api/counters/counter-3/sign-in', {}, officer);
    for (let i = 0; i < 20; i++) {
      const next = await action('counter.next', { counterId: 'counter-3' });
      if ((next.body.ticket as { id: string } | null)?.id === ticketId) break;
    }
  });

  it('refuses a code of the wrong format and changes nothing', async () => {
    const bad = await action('counter.finish', { counterId: 'counter-3', ticketId, dossierCodes: ['abc'] });
    expect(bad.status).toBe(400);
    expect(server.service.core.state.tickets.get(ticketId)?.status).toBe('called');
    const notStrings = await action('counter.finish', {
      counterId: 'counter-3',
      ticketId,
      dossierCodes: [42],
    });
    expect(notStrings.status).toBe(400);
  });

  it('records the codes with the ticket and shows the status at the kiosk', async () => {
    const ok = await action('counter.finish', { counterId: 'counter-3', ticketId, dossierCodes: [CODE] });
    expect(ok.status).toBe(200);
    expect(server.service.visits.dossiersOfTicket(ticketId)).toEqual([CODE]);
    // The month's report counts it for the officer who served (Decision 468's floors count dossiers).
    const report = await getJson<{ officers: { officerId: string; dossiersReceived: number | null }[] }>(
      '/api/reports?period=month&month=2026-12',
      manager,
    );
    expect(report.body.officers.find((o) => o.officerId === 'officer1')?.dossiersReceived).toBe(1);
    const found = await getJson<{ dossier: { status: string; statusText: { vi: string } } }>(
      `/api/dossiers/${encodeURIComponent(CODE)}`,
    );
    expect(found.body.dossier).toMatchObject({ status: 'received', statusText: { vi: 'Đã tiếp nhận' } });
    clock += 2 * 86_400_000;
    const later = await getJson<{ dossier: { status: string } }>(`/api/dossiers/${encodeURIComponent(CODE)}`);
    expect(later.body.dossier.status).toBe('processing');
    clock -= 2 * 86_400_000;
    expect((await getJson('/api/dossiers/000.00.31.H29-261207-9999')).status).toBe(404);
    expect((await getJson('/api/dossiers/%3Cscript%3E')).status).toBe(400);
  });

  it('reads a province system over HTTP JSON through the configured mapping', async () => {
    const province = await provinceStandIn();
    try {
      const source = new HttpJsonDossierSource({
        kind: 'http-json',
        urlTemplate: `http://127.0.0.1:${province.port}/hoso/{code}`,
        fields: { status: 'data.trangThai', procedureName: 'data.tenThuTuc', dueAt: 'data.hanTra' },
        statusMap: { DA_TIEP_NHAN: 'received', CHO_TRA: 'ready' },
        timeoutMs: 500,
      });
      expect(await source.lookup('H29-0001')).toMatchObject({
        status: 'ready',
        procedureName: 'Đăng ký khai sinh',
        dueAt: '2026-12-10',
      });
      expect((await source.lookup('H29-0002'))?.status).toBe('unknown');
      expect(await source.lookup('H29-missing')).toBeNull();
      await expect(source.lookup('H29-slow')).rejects.toMatchObject({ code: 'unavailable' });
      await expect(source.lookup('H29-broken')).rejects.toMatchObject({ code: 'unavailable' });
    } finally {
      province.server.close();
    }
  });
});

describe('feedback', () => {
  let doneId: string;
  let waitingId: string;

  beforeAll(async () => {
    const a = await issue({ serviceId: 'results' });
    const b = await issue({ serviceId: 'results' });
    doneId = ticketOf(a).id;
    waitingId = ticketOf(b).id;
    for (let i = 0; i < 20; i++) {
      const next = await action('counter.next', { counterId: 'counter-3' });
      if ((next.body.ticket as { id: string } | null)?.id === doneId) break;
    }
    await action('counter.finish', { counterId: 'counter-3', ticketId: doneId });
  });

  it('is refused before the ticket is done, for unknown tickets and unknown reasons', async () => {
    expect((await post(`/api/tickets/${waitingId}/feedback`, { reasons: ['long-wait'] })).status).toBe(409);
    expect((await post('/api/tickets/nope/feedback', { reasons: ['long-wait'] })).status).toBe(404);
    expect((await post(`/api/tickets/${doneId}/feedback`, { reasons: ['bribe'] })).status).toBe(400);
    expect((await post(`/api/tickets/${doneId}/feedback`, { reasons: [] })).status).toBe(400);
  });

  it('is taken once, without ID numbers, and reaches the manager inbox and its CSV', async () => {
    const text = 'Chờ 2 tiếng. CCCD của tôi 079 190 001 234 đã đưa.';
    const first = await post(`/api/tickets/${doneId}/feedback`, { reasons: ['long-wait', 'attitude'], text });
    expect(first.status).toBe(201);
    const { feedbackId } = (await first.json()) as { feedbackId: string };
    expect((await post(`/api/tickets/${doneId}/feedback`, { reasons: ['other'] })).status).toBe(409);

    expect((await getJson('/api/feedback', officer)).status).toBe(403);
    const inbox = await getJson<{ items: { id: string; number: string; counterId: string; text: string }[] }>(
      `/api/feedback?from=${MONDAY}&to=${MONDAY}`,
      manager,
    );
    const item = inbox.body.items.find((i) => i.id === feedbackId)!;
    expect(item).toMatchObject({ counterId: 'counter-3', status: 'new', overdue: false });
    expect(item.text).toContain('********1234');

    const patch = (body: unknown) =>
      fetch(`${base}/api/feedback/${feedbackId}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', cookie: manager },
        body: JSON.stringify(body),
      });
    expect((await patch({ status: 'answered' })).status).toBe(400); // an answer needs a note
    expect((await patch({ status: 'in_progress' })).status).toBe(200);
    const answered = await patch({
      status: 'answered',
      note: 'Đã xin lỗi công dân, bổ sung cán bộ giờ cao điểm',
    });
    expect(((await answered.json()) as { item: { handledBy: string } }).item.handledBy).toBe('manager');

    const csv = await fetch(`${base}/api/feedback.csv?month=2026-12`, { headers: { cookie: manager } });
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM: Excel reads Vietnamese
    const bodyText = bytes.toString('utf8');
    expect(bodyText).toContain('Chờ quá lâu; Thái độ của cán bộ');

    const files = readdirSync(dir.path).map((f) => readFileSync(join(dir.path, f)));
    expect(files.some((b) => b.includes('079190001234') || b.includes('079 190 001 234'))).toBe(false);
  });

  it('becomes overdue when unanswered past the site’s days', async () => {
    const c = await issue({ serviceId: 'results' });
    const id = ticketOf(c).id;
    for (let i = 0; i < 20; i++) {
      const next = await action('counter.next', { counterId: 'counter-3' });
      if ((next.body.ticket as { id: string } | null)?.id === id) break;
    }
    await action('counter.finish', { counterId: 'counter-3', ticketId: id });
    await post(`/api/tickets/${id}/feedback`, { reasons: ['unclear-guidance'] });
    clock += 11 * 86_400_000;
    manager = await signIn(base, 'manager', 'demo-manager'); // the old session expired meanwhile
    const inbox = await getJson<{ items: { ticketId: string; overdue: boolean }[] }>(
      `/api/feedback?from=${MONDAY}`,
      manager,
    );
    expect(inbox.body.items.find((i) => i.ticketId === id)?.overdue).toBe(true);
  });
});

describe('config', () => {
  it('the demo site takes appointments for six services, not for result collection', () => {
    const site = compileSite(loadSiteConfig(undefined));
    expect(site.config.appointments?.serviceIds).not.toContain('results');
    expect(site.services.get('results')?.public).toBe(true);
  });
});

/** A stand-in for a province's dossier system: plain HTTP JSON, one answer per code. */
async function provinceStandIn(): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const code = decodeURIComponent(req.url!.split('/').pop()!);
    const send = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    };
    if (code === 'H29-0001')
      return send(
        200,
        '{"data":{"trangThai":"CHO_TRA","tenThuTuc":"Đăng ký khai sinh","hanTra":"2026-12-10"}}',
      );
    if (code === 'H29-0002') return send(200, '{"data":{"trangThai":"LA_LAM"}}');
    if (code === 'H29-broken') return send(200, 'not json');
    if (code === 'H29-slow') return void setTimeout(() => send(200, '{}'), 2000);
    send(404, '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}
