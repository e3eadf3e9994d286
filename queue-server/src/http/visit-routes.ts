/**
 * Appointments, dossier look-up and feedback (PROTOCOL.md §6 and additions): the public side for
 * citizens (booking page, kiosk, phone page) and the manager's inbox.
 */
import { randomUUID } from 'node:crypto';
import { DossierInfo, fail, isRealDate, localDate, toIsoLocal, vnDate } from '@oss/protocol';
import {
  APPOINTMENT_CODE_PATTERN,
  addDays,
  appointmentRules,
  DEFAULT_FEEDBACK_DUE_DAYS,
  DEFAULT_FEEDBACK_REASONS,
} from '@oss/queue-server/core';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppointmentDesk } from '../appointments.ts';
import { type DossierSource, HttpJsonDossierSource, SimulatedDossierSource } from '../dossiers.ts';
import type { QueueService } from '../queue-service.ts';
import type { FeedbackRow, FeedbackStatus } from '../storage/visits.ts';
import { requireRole } from './auth.ts';
import { RateWindow } from './rate-window.ts';

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$' });
const Slug = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' });
const IsoInstant = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,3})?)?(Z|[+-]\\d{2}:\\d{2})$',
});
/** Vietnamese mobile numbers, with or without +84. */
const Phone = Type.String({ pattern: '^(\\+84|0)[35789]\\d{8}$' });
const FEEDBACK_STATUSES: FeedbackStatus[] = ['new', 'in_progress', 'answered'];

const Appointment = Type.Object({
  id: Type.String(),
  code: Type.String(),
  serviceId: Type.String(),
  procedureId: Type.Optional(Type.String()),
  start: Type.String(),
  end: Type.String(),
  status: Type.String(),
  ticketId: Type.Optional(Type.String()),
});

export interface VisitRoutesOptions {
  service: QueueService;
}

export async function visitRoutes(app: FastifyInstance, { service }: VisitRoutesOptions): Promise<void> {
  const { site, visits, desk } = service;
  const now = () => service.clock();
  const tz = site.timeZone;
  const managers = requireRole('manager', 'admin');
  const anyStaff = requireRole('officer', 'manager', 'admin');
  // Per client address: bookings an hour (site rule), look-ups and feedback a minute.
  const bookings = new RateWindow(3_600_000, appointmentRules(site)?.perAddressPerHour ?? 10);
  const lookups = new RateWindow(60_000, 30);
  const feedbackPosts = new RateWindow(60_000, 10);
  const dossierSource = dossierSourceOf(service);

  // --- appointments --------------------------------------------------------------------------------

  app.get(
    '/api/appointments/slots',
    {
      schema: {
        querystring: Type.Object({ serviceId: Slug, day: Day }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            slots: Type.Array(
              Type.Object({ start: Type.String(), end: Type.String(), free: Type.Integer() }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const { serviceId, day } = request.query as { serviceId: string; day: string };
      if (!isRealDate(day)) badDay(day);
      if (!site.services.has(serviceId)) fail('unknown_service', 'Không có dịch vụ này', 'Unknown service');
      return { slots: desk.slots(serviceId, day, now()) };
    },
  );

  app.post(
    '/api/appointments',
    {
      schema: {
        body: Type.Object(
          {
            serviceId: Slug,
            start: IsoInstant,
            procedureId: Type.Optional(Slug),
            phone: Type.Optional(Phone),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ appointment: Appointment }) },
      },
    },
    async (request, reply) => {
      limit(bookings, request, 'đặt lịch', 'bookings');
      const body = request.body as { serviceId: string; start: string; procedureId?: string; phone?: string };
      const start = Date.parse(body.start);
      if (Number.isNaN(start)) fail('invalid_request', 'Thời điểm không hợp lệ', 'Invalid start time');
      const row = desk.book(
        { ...body, start, ...(body.phone ? { phone: normalisePhone(body.phone) } : {}) },
        now(),
      );
      return reply.status(201).send({ appointment: desk.view(row) });
    },
  );

  app.delete(
    '/api/appointments/:id',
    {
      schema: {
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        querystring: Type.Object(
          { code: Type.String({ minLength: 4, maxLength: 16 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ appointment: Appointment }) },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const { code } = request.query as { code: string };
      return { appointment: desk.view(desk.cancel(id, code, now())) };
    },
  );

  /** Looking an appointment up by its code (the booking page's "my appointment", the kiosk's preview). */
  app.get(
    '/api/appointments/by-code/:code',
    {
      schema: {
        params: Type.Object({ code: Type.String({ pattern: APPOINTMENT_CODE_PATTERN }) }),
        response: { 200: Type.Object({ appointment: Appointment }) },
      },
    },
    async (request) => {
      limit(lookups, request, 'tra cứu', 'look-ups');
      const row = visits.appointmentByCode((request.params as { code: string }).code);
      if (!row) fail('not_found', 'Không tìm thấy lịch hẹn với mã này', 'No appointment with this code');
      return { appointment: desk.view(row) };
    },
  );

  /** The day's appointments for counters and the dashboard (no phone numbers). */
  app.get(
    '/api/appointments',
    {
      preHandler: anyStaff,
      schema: { querystring: Type.Object({ day: Type.Optional(Day) }, { additionalProperties: false }) },
    },
    async (request) => {
      const day = (request.query as { day?: string }).day ?? localDate(now(), tz);
      if (!isRealDate(day)) badDay(day);
      return appointmentDay(desk, visits.appointmentsOfDay(day), day, now(), service);
    },
  );

  // --- dossiers -------------------------------------------------------------------------------------

  app.get(
    '/api/dossiers/:code',
    {
      schema: {
        params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: Type.Object({ dossier: DossierInfo }) },
      },
    },
    async (request) => {
      limit(lookups, request, 'tra cứu', 'look-ups');
      const code = (request.params as { code: string }).code.trim().toUpperCase();
      const pattern = new RegExp(site.config.dossiers?.codePattern ?? '.');
      if (!pattern.test(code))
        fail(
          'invalid_request',
          'Mã hồ sơ không đúng định dạng',
          'The dossier code does not have the right format',
        );
      const dossier = await dossierSource.lookup(code);
      if (!dossier) fail('not_found', 'Không tìm thấy hồ sơ với mã này', 'No dossier with this code');
      return { dossier };
    },
  );

  // --- feedback -------------------------------------------------------------------------------------

  app.get('/api/feedback/reasons', async () => ({ reasons: reasonsOf(service) }));

  app.post(
    '/api/tickets/:id/feedback',
    {
      schema: {
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        body: Type.Object(
          {
            reasons: Type.Array(Slug, { minItems: 1, maxItems: 10, uniqueItems: true }),
            text: Type.Optional(Type.String({ maxLength: 1000 })),
            contact: Type.Optional(Type.String({ maxLength: 100 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ feedbackId: Type.String() }) },
      },
    },
    async (request, reply) => {
      limit(feedbackPosts, request, 'gửi góp ý', 'feedback');
      const { id } = request.params as { id: string };
      const body = request.body as { reasons: string[]; text?: string; contact?: string };
      const known = new Set(reasonsOf(service).map((r) => r.id));
      const unknown = body.reasons.find((r) => !known.has(r));
      if (unknown) fail('invalid_request', `Không có lý do "${unknown}"`, `Unknown reason "${unknown}"`);
      const ticket = service.core.state.tickets.get(id) ?? service.store.findTicket(id);
      if (!ticket) fail('not_found', 'Không tìm thấy số thứ tự', 'Ticket not found');
      if (ticket.status !== 'done')
        fail(
          'conflict',
          'Quý khách góp ý được sau khi đã được phục vụ xong',
          'Feedback can be given once the ticket has been served',
        );
      if (visits.feedbackOfTicket(id))
        fail('conflict', 'Quý khách đã gửi góp ý cho số này', 'Feedback was already given for this ticket');
      const at = now();
      const row: FeedbackRow = {
        id: randomUUID(),
        ticket_id: id,
        day: localDate(ticket.issuedAt, tz),
        at,
        reasons: JSON.stringify(body.reasons),
        text: body.text?.trim() ? maskIdNumbers(body.text.trim()) : null,
        contact: body.contact?.trim() ? maskIdNumbers(body.contact.trim()) : null,
        status: 'new',
        note: null,
        handled_by: null,
        updated_at: at,
      };
      visits.insertFeedback(row);
      return reply.status(201).send({ feedbackId: row.id });
    },
  );

  app.get(
    '/api/feedback',
    {
      preHandler: managers,
      schema: {
        querystring: Type.Object(
          { from: Type.Optional(Day), to: Type.Optional(Day) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const { from, to } = periodOf(request.query as { from?: string; to?: string }, localDate(now(), tz));
      return { from, to, items: visits.feedbackBetween(from, to).map((f) => feedbackItem(service, f)) };
    },
  );

  app.patch(
    '/api/feedback/:id',
    {
      preHandler: managers,
      schema: {
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        body: Type.Object(
          {
            status: Type.Union(FEEDBACK_STATUSES.map((s) => Type.Literal(s))),
            note: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const body = request.body as { status: FeedbackStatus; note?: string };
      if (!visits.feedback(id)) fail('not_found', 'Không tìm thấy góp ý', 'Feedback not found');
      if (body.status === 'answered' && !body.note?.trim() && !visits.feedback(id)!.note)
        fail('invalid_request', 'Cần ghi nội dung trả lời', 'An answer note is required');
      const by = request.staff!.username;
      visits.updateFeedback(
        id,
        body.status,
        body.note?.trim() ? maskIdNumbers(body.note.trim()) : null,
        by,
        now(),
      );
      service.store.audit(now(), by, 'feedback.update', { id, status: body.status });
      return { item: feedbackItem(service, visits.feedback(id)!) };
    },
  );

  /** The month's feedback for the province's system for petitions (phản ánh, kiến nghị). */
  app.get(
    '/api/feedback.csv',
    {
      preHandler: managers,
      schema: { querystring: Type.Object({ month: Month }, { additionalProperties: false }) },
    },
    async (request, reply) => {
      const { month } = request.query as { month: string };
      const items = visits.feedbackBetween(`${month}-01`, `${month}-31`).map((f) => feedbackItem(service, f));
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="phan-anh-${month}.csv"`);
      return `\uFEFF${feedbackCsv(items)}`;
    },
  );

  function limit(window: RateWindow, request: FastifyRequest, vi: string, en: string): void {
    if (!window.take(request.ip, now()))
      fail(
        'rate_limited',
        `Quá nhiều lượt ${vi}, vui lòng thử lại sau`,
        `Too many ${en}, please try again later`,
      );
  }
}

function badDay(day: string): never {
  fail('invalid_request', `Ngày "${day}" không có thật`, `"${day}" is not a calendar date`);
}

function periodOf(q: { from?: string; to?: string }, today: string): { from: string; to: string } {
  const to = q.to ?? today;
  const from = q.from ?? addDays(to, -30);
  for (const d of [from, to]) if (!isRealDate(d)) badDay(d);
  if (from > to) fail('invalid_request', 'Ngày bắt đầu sau ngày kết thúc', 'The period starts after it ends');
  return { from, to };
}

function reasonsOf(service: QueueService) {
  return service.site.config.feedbackReasons ?? DEFAULT_FEEDBACK_REASONS;
}

function dossierSourceOf(service: QueueService): DossierSource {
  const source = service.site.config.dossiers?.source;
  if (source?.kind === 'http-json') return new HttpJsonDossierSource(source);
  return new SimulatedDossierSource(
    (code) => service.visits.dossierReceipt(code),
    service.clock,
    (at) => toIsoLocal(at, service.site.timeZone),
  );
}

/** A CCCD (12 digits) or CMND (9 digits) number typed into free text never reaches the database. */
export function maskIdNumbers(text: string): string {
  return text.replace(/\d[\d .-]{7,}\d/g, (run) => {
    const digits = run.replace(/\D/g, '');
    return digits.length === 9 || digits.length === 12
      ? `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`
      : run;
  });
}

function normalisePhone(phone: string): string {
  return phone.startsWith('+84') ? `0${phone.slice(3)}` : phone;
}

function appointmentDay(
  desk: AppointmentDesk,
  rows: ReturnType<QueueService['visits']['appointmentsOfDay']>,
  day: string,
  now: number,
  service: QueueService,
) {
  const rules = appointmentRules(service.site);
  const lateAfter = (rules?.lateMinutes ?? 0) * 60_000;
  const noShow = (r: (typeof rows)[number]) =>
    r.status === 'booked' && now > Math.max(r.end, r.start + lateAfter);
  const count = (p: (r: (typeof rows)[number]) => boolean) => rows.filter(p).length;
  const ticketsToday = day === service.core.state.day ? service.core.state.tickets.size : null;
  const checkedIn = count((r) => r.status === 'checked_in');
  return {
    day,
    dayText: vnDate(day),
    appointments: rows.map((r) => ({ ...desk.view(r), noShow: noShow(r) })),
    counts: {
      booked: count((r) => r.status !== 'cancelled'),
      checkedIn,
      noShow: count(noShow),
      cancelled: count((r) => r.status === 'cancelled'),
    },
    /** Booked citizens among today's tickets (walk-ins are the rest); null for another day. */
    bookedShare: ticketsToday ? checkedIn / ticketsToday : null,
  };
}

function feedbackItem(service: QueueService, f: FeedbackRow) {
  const tz = service.site.timeZone;
  const t = service.core.state.tickets.get(f.ticket_id) ?? service.store.findTicket(f.ticket_id);
  const dueDays = service.site.config.feedbackDueDays ?? DEFAULT_FEEDBACK_DUE_DAYS;
  const reasons = new Map(reasonsOf(service).map((r) => [r.id, r.name]));
  return {
    id: f.id,
    at: toIsoLocal(f.at, tz),
    ticketId: f.ticket_id,
    number: t?.number ?? null,
    serviceId: t?.serviceId ?? null,
    counterId: t?.counterId ?? null,
    officerId: t?.officerId ?? null,
    reasons: (JSON.parse(f.reasons) as string[]).map((id) => ({
      id,
      name: reasons.get(id) ?? { vi: id, en: id },
    })),
    text: f.text,
    contact: f.contact,
    status: f.status,
    note: f.note,
    handledBy: f.handled_by,
    updatedAt: toIsoLocal(f.updated_at, tz),
    overdue: f.status !== 'answered' && service.clock() - f.at > dueDays * 86_400_000,
  };
}

type FeedbackItem = ReturnType<typeof feedbackItem>;

function feedbackCsv(items: FeedbackItem[]): string {
  const header = [
    'thoi_gian',
    'so_thu_tu',
    'dich_vu',
    'quay',
    'can_bo',
    'ly_do',
    'noi_dung',
    'lien_he',
    'trang_thai',
    'tra_loi',
    'nguoi_xu_ly',
  ];
  const cell = (v: string | null) => `"${(v ?? '').replaceAll('"', '""')}"`;
  const lines = items.map((i) =>
    [
      i.at,
      i.number,
      i.serviceId,
      i.counterId,
      i.officerId,
      i.reasons.map((r) => r.name.vi).join('; '),
      i.text,
      i.contact,
      i.status,
      i.note,
      i.handledBy,
    ]
      .map(cell)
      .join(','),
  );
  return `${[header.join(','), ...lines].join('\r\n')}\r\n`;
}
