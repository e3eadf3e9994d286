/**
 * Appointments, dossier look-up and feedback (PROTOCOL.md §6 and additions): the public side for
 * citizens (booking page, kiosk, phone page) and the manager's inbox.
 */
import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  AppointmentDay,
  AppointmentResponse,
  BookingBody,
  CancelQuery,
  CapacityCheck,
  CodeParams,
  DayQuery,
  DossierParams,
  DossierResponse,
  FeedbackBody,
  FeedbackCreated,
  type FeedbackItem,
  FeedbackItemResponse,
  FeedbackList,
  FeedbackQuery,
  FeedbackReasonsResponse,
  FeedbackUpdate,
  fail,
  isRealDate,
  localDate,
  MonthQuery,
  SlotsQuery,
  SlotsResponse,
  TicketParams,
  toIsoLocal,
  vnDate,
} from '@oss/protocol';
import {
  addDays,
  appointmentDayFigures,
  appointmentRules,
  DEFAULT_FEEDBACK_DUE_DAYS,
  DEFAULT_FEEDBACK_REASONS,
  isNoShow,
} from '@oss/queue-server/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppointmentDesk } from '../appointments.ts';
import { BookingCapacityCheck } from '../capacity-check.ts';
import { type DossierSource, HttpJsonDossierSource, SimulatedDossierSource } from '../dossiers.ts';
import type { QueueService } from '../queue-service.ts';
import { ReportQueries } from '../storage/reports.ts';
import type { FeedbackRow } from '../storage/visits.ts';
import { requireRole } from './auth.ts';
import { RateWindow } from './rate-window.ts';

export interface VisitRoutesOptions {
  service: QueueService;
}

export async function visitRoutes(fastify: FastifyInstance, { service }: VisitRoutesOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
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
      schema: { querystring: SlotsQuery, response: { 200: SlotsResponse } },
    },
    async (request) => {
      const { serviceId, day } = request.query;
      if (!isRealDate(day)) badDay(day);
      if (!site.services.has(serviceId)) fail('unknown_service', 'Không có dịch vụ này', 'Unknown service');
      return { slots: desk.slots(serviceId, day, now()) };
    },
  );

  app.post(
    '/api/appointments',
    {
      schema: { body: BookingBody, response: { 201: AppointmentResponse } },
    },
    async (request, reply) => {
      limit(bookings, request, 'đặt lịch', 'bookings');
      const { idNumber, phone, ...body } = request.body;
      const start = Date.parse(body.start);
      if (Number.isNaN(start)) fail('invalid_request', 'Thời điểm không hợp lệ', 'Invalid start time');
      const row = desk.book(
        {
          ...body,
          start,
          ...(phone ? { phone: normalisePhone(phone) } : {}),
          ...(idNumber ? { citizenHash: service.citizenHashOf(idNumber) } : {}),
        },
        now(),
      );
      return reply.status(201).send({ appointment: desk.view(row) });
    },
  );

  app.delete(
    '/api/appointments/:id',
    {
      schema: { params: TicketParams, querystring: CancelQuery, response: { 200: AppointmentResponse } },
    },
    async (request) => {
      const { id } = request.params;
      const { code } = request.query;
      return { appointment: desk.view(desk.cancel(id, code, now())) };
    },
  );

  /** Looking an appointment up by its code (the booking page's "my appointment", the kiosk's preview). */
  app.get(
    '/api/appointments/by-code/:code',
    {
      schema: { params: CodeParams, response: { 200: AppointmentResponse } },
    },
    async (request) => {
      limit(lookups, request, 'tra cứu', 'look-ups');
      const row = visits.appointmentByCode(request.params.code);
      if (!row) fail('not_found', 'Không tìm thấy lịch hẹn với mã này', 'No appointment with this code');
      return { appointment: desk.view(row) };
    },
  );

  /** The day's appointments for counters and the dashboard (no phone numbers). */
  app.get(
    '/api/appointments',
    {
      preHandler: anyStaff,
      schema: { querystring: DayQuery, response: { 200: AppointmentDay } },
    },
    async (request) => {
      const day = request.query.day ?? localDate(now(), tz);
      if (!isRealDate(day)) badDay(day);
      return appointmentDay(desk, visits.appointmentsOfDay(day), day, now(), service);
    },
  );

  /** What every slot full would do to walk-ins' waits, simulated on the site's history (managers). */
  const capacityCheck = new BookingCapacityCheck(
    service,
    new ReportQueries(service.store, () => service.core.state.day),
  );
  app.get(
    '/api/appointments/capacity-check',
    { preHandler: managers, schema: { response: { 200: CapacityCheck } } },
    async () => capacityCheck.answer(now()),
  );

  // --- dossiers -------------------------------------------------------------------------------------

  app.get(
    '/api/dossiers/:code',
    {
      schema: { params: DossierParams, response: { 200: DossierResponse } },
    },
    async (request) => {
      limit(lookups, request, 'tra cứu', 'look-ups');
      const code = request.params.code.trim().toUpperCase();
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

  app.get('/api/feedback/reasons', { schema: { response: { 200: FeedbackReasonsResponse } } }, async () => ({
    reasons: reasonsOf(service),
  }));

  app.post(
    '/api/tickets/:id/feedback',
    {
      schema: { params: TicketParams, body: FeedbackBody, response: { 201: FeedbackCreated } },
    },
    async (request, reply) => {
      limit(feedbackPosts, request, 'gửi góp ý', 'feedback');
      const { id } = request.params;
      const body = request.body;
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
      schema: { querystring: FeedbackQuery, response: { 200: FeedbackList } },
    },
    async (request) => {
      const { from, to } = periodOf(request.query, localDate(now(), tz));
      return { from, to, items: visits.feedbackBetween(from, to).map((f) => feedbackItem(service, f)) };
    },
  );

  app.patch(
    '/api/feedback/:id',
    {
      preHandler: managers,
      schema: { params: TicketParams, body: FeedbackUpdate, response: { 200: FeedbackItemResponse } },
    },
    async (request) => {
      const { id } = request.params;
      const body = request.body;
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
      schema: { querystring: MonthQuery },
    },
    async (request, reply) => {
      const { month } = request.query;
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
  const { state } = service.core;
  const tickets = day === state.day ? [...state.tickets.values()] : null;
  const rules = appointmentRules(service.site);
  return {
    day,
    dayText: vnDate(day),
    appointments: rows.map((r) => ({ ...desk.view(r), noShow: isNoShow(rules, r, now) })),
    ...appointmentDayFigures(service.site, rows, tickets, now),
  };
}

function feedbackItem(service: QueueService, f: FeedbackRow): FeedbackItem {
  const tz = service.site.timeZone;
  const t = service.core.state.tickets.get(f.ticket_id) ?? service.store.findTicket(f.ticket_id);
  const dueDays = service.site.config.feedbackDueDays ?? DEFAULT_FEEDBACK_DUE_DAYS;
  const reasons = new Map(reasonsOf(service).map((r) => [r.id, r.name]));
  const nameOf = (username: string | null | undefined) =>
    username ? (service.store.findStaff(username)?.display_name ?? username) : null;
  const officerId = t?.officerId ?? null;
  return {
    id: f.id,
    at: toIsoLocal(f.at, tz),
    ticketId: f.ticket_id,
    number: t?.number ?? null,
    serviceId: t?.serviceId ?? null,
    counterId: t?.counterId ?? null,
    officerId,
    officerName: nameOf(officerId),
    reasons: (JSON.parse(f.reasons) as string[]).map((id) => ({
      id,
      name: reasons.get(id) ?? { vi: id, en: id },
    })),
    text: f.text,
    contact: f.contact,
    status: f.status,
    note: f.note,
    handledBy: f.handled_by,
    handledByName: nameOf(f.handled_by),
    updatedAt: toIsoLocal(f.updated_at, tz),
    overdue: f.status !== 'answered' && service.clock() - f.at > dueDays * 86_400_000,
  };
}

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
