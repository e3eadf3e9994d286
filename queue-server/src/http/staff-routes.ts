/** Routes for signed-in staff: sign-in, the counter console, and the manager's views and controls. */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  AdviceResponse,
  CloseCounterBody,
  CounterConsole,
  CounterParams,
  CounterStateResponse,
  DevicesResponse,
  EmptyBody,
  ErrorResponse,
  fail,
  HourlyStats,
  Kpis,
  LoginBody,
  OkResponse,
  PeriodQuery,
  Report,
  ReportQuery,
  SetServicesBody,
  StaffBody,
  StaffListResponse,
  StaffResponse,
} from '@oss/protocol';
import { adviseSwitches, type Command, consoleWaiting, periodKpis } from '@oss/queue-server/core';
import type { FastifyInstance } from 'fastify';
import { hashPassword } from '../auth/secrets.ts';
import type { QueueService } from '../queue-service.ts';
import { ReportQueries } from '../storage/reports.ts';
import {
  mayCommandCounter,
  overrideOf,
  requireRole,
  SESSION_COOKIE,
  type Sessions,
  takeoverOf,
} from './auth.ts';
import { statusOf } from './errors.ts';
import { hourlyStats, periodOf, reportFor, ticketsCsv } from './stats.ts';
import { openStream } from './stream.ts';

export interface StaffRoutesOptions {
  service: QueueService;
  sessions: Sessions;
  secureCookies: boolean;
}

export async function staffRoutes(fastify: FastifyInstance, options: StaffRoutesOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { service, sessions } = options;
  const { site, store } = service;
  const now = () => service.clock();
  const anyStaff = requireRole('officer', 'manager', 'admin');
  const managers = requireRole('manager', 'admin');

  app.post(
    '/api/auth/login',
    {
      schema: { body: LoginBody, response: { 200: StaffResponse } },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const { token, staff } = await sessions.signIn(username, password);
      reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: options.secureCookies,
        maxAge: 12 * 3600,
      });
      return { staff };
    },
  );

  app.post(
    '/api/auth/logout',
    { schema: { body: EmptyBody, response: { 200: OkResponse } } },
    async (request, reply) => {
      sessions.signOut(request.cookies[SESSION_COOKIE]);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true } as const;
    },
  );

  app.get(
    '/api/auth/me',
    { schema: { response: { 200: StaffResponse } }, preHandler: anyStaff },
    async (request) => ({ staff: request.staff! }),
  );

  // --- counter console ----------------------------------------------------------------------------

  const counterResponse = { 200: CounterStateResponse, '4xx': ErrorResponse };
  for (const type of ['sign-in', 'sign-out', 'open', 'close'] as const)
    app.post(
      `/api/counters/:counterId/${type}`,
      {
        schema: {
          params: CounterParams,
          body: type === 'close' ? CloseCounterBody : EmptyBody,
          response: counterResponse,
        },
        preHandler: anyStaff,
      },
      async (request, reply) => {
        const { counterId } = request.params;
        const staff = request.staff!;
        const counter = service.core.state.counters.get(counterId);
        mayCommandCounter(staff, type, counter);
        const audit = {
          counterId,
          ...overrideOf(staff, type, counter),
          ...(type === 'sign-in' ? takeoverOf(staff, counter) : {}),
        };
        const reason = (request.body as CloseCounterBody)?.reason;
        const command: Command =
          type === 'sign-in'
            ? { type, counterId, officerId: staff.username }
            : type === 'close' && reason
              ? { type, counterId, reason }
              : { type, counterId };
        const response = service.execute(command, { result: () => ({}) });
        if (type === 'sign-in' && response.ok) service.officerSeen(counterId, staff.username, true);
        store.audit(now(), staff.username, `counter.${type}`, audit);
        if (!response.ok) return reply.status(statusOf(response.error.code)).send({ error: response.error });
        return { counter: service.core.state.counters.get(counterId)! };
      },
    );

  app.put(
    '/api/counters/:counterId/services',
    {
      schema: {
        params: CounterParams,
        body: SetServicesBody,
        response: counterResponse,
      },
      preHandler: managers,
    },
    async (request, reply) => {
      const { counterId } = request.params;
      const { serviceIds } = request.body;
      const response = service.execute(
        { type: 'set-services', counterId, serviceIds },
        { result: () => ({}) },
      );
      store.audit(now(), request.staff!.username, 'counter.set-services', { counterId, serviceIds });
      if (!response.ok) return reply.status(statusOf(response.error.code)).send({ error: response.error });
      return { counter: service.core.state.counters.get(counterId)! };
    },
  );

  /** Everything the console shows: the counter, its ticket, the waiting lines it serves, today's own figures. */
  app.get(
    '/api/counters/:counterId/console',
    { schema: { params: CounterParams, response: { 200: CounterConsole } }, preHandler: anyStaff },
    async (request) => {
      const { counterId } = request.params;
      const state = service.core.state;
      const counter = state.counters.get(counterId);
      if (!counter) fail('unknown_counter', `Không có quầy "${counterId}"`, `unknown counter "${counterId}"`);
      // The console polls this: its officer's session there stays alive.
      service.officerSeen(counterId, request.staff!.username, false);
      const t = now();
      const current = counter.currentTicketId ? state.tickets.get(counter.currentTicketId) : undefined;
      const kpis = service.core.kpis(t);
      return {
        counter: {
          ...counter,
          number: site.counters.get(counterId)!.number,
          name: site.counters.get(counterId)!.name,
        },
        current: current
          ? {
              ...service.core.ticket(current.id, t)!,
              procedure: (current.procedureId && site.procedures.get(current.procedureId)) || null,
              recalls: current.recalls,
            }
          : null,
        waiting: consoleWaiting(site, state, counterId, t),
        mine: kpis.officers.find((o) => o.officerId === request.staff!.username) ?? null,
      };
    },
  );

  // --- manager ----------------------------------------------------------------------------------

  const reports = new ReportQueries(store, () => service.core.state.day);
  const officerNames = () => new Map(store.listStaff().map((s) => [s.username, s.display_name]));
  /** Officers with their display name from the staff accounts. */
  const named = <T extends { officerId: string }>(officers: T[]) => {
    const names = officerNames();
    return officers.map((o) => ({ ...o, displayName: names.get(o.officerId) ?? o.officerId }));
  };
  /** Today's live KPIs, or those of the period asked for, from the stored records. */
  const kpis = (t: number, query: { day?: string; from?: string; to?: string } = {}) => {
    const period = periodOf(query);
    const k = period ? periodKpis(site, reports.records(period.from, period.to), t) : service.core.kpis(t);
    return { ...k, officers: named(k.officers) };
  };

  app.get(
    '/api/kpis',
    { schema: { querystring: PeriodQuery, response: { 200: Kpis } }, preHandler: managers },
    async (request) => kpis(now(), request.query),
  );

  /** The month's, quarter's or year's report for the centre's leadership. */
  app.get(
    '/api/reports',
    { schema: { querystring: ReportQuery, response: { 200: Report } }, preHandler: managers },
    async (request) => {
      const report = reportFor(site, reports, request.query, now());
      return { ...report, officers: named(report.officers) };
    },
  );

  /** Which counter to switch to which service when a line's predicted wait is over the target. */
  app.get(
    '/api/advice',
    { schema: { response: { 200: AdviceResponse } }, preHandler: managers },
    async () => ({ advice: adviseSwitches(site, service.core.state, now()) }),
  );

  app.get(
    '/api/devices',
    { schema: { response: { 200: DevicesResponse } }, preHandler: managers },
    async () => ({
      devices: store.listDevices().map((d) => ({
        id: d.id,
        kind: d.kind,
        counterId: d.counter_id,
        enrolledAt: d.enrolled_at,
        online: d.online === 1,
        status: d.payload ? JSON.parse(d.payload) : null,
        statusAt: d.status_at,
      })),
    }),
  );

  const periodOrToday = (query: PeriodQuery) =>
    periodOf(query) ?? { from: service.core.state.day, to: service.core.state.day };

  app.get(
    '/api/reports/tickets.csv',
    { schema: { querystring: PeriodQuery }, preHandler: managers },
    async (request, reply) => {
      const { from, to } = periodOrToday(request.query);
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header(
        'content-disposition',
        `attachment; filename="tickets-${from}${from === to ? '' : `_${to}`}.csv"`,
      );
      return ticketsCsv(site, reports.csvRows(from, to), officerNames());
    },
  );

  app.get(
    '/api/stats/hourly',
    { schema: { querystring: PeriodQuery, response: { 200: HourlyStats } }, preHandler: managers },
    async (request) => hourlyStats(reports, periodOrToday(request.query), site.timeZone, now()),
  );

  app.get(
    '/api/staff',
    { schema: { response: { 200: StaffListResponse } }, preHandler: requireRole('admin') },
    async () => ({ staff: store.listStaff() }),
  );

  app.post(
    '/api/staff',
    {
      schema: { body: StaffBody, response: { 200: StaffResponse } },
      preHandler: requireRole('admin'),
    },
    async (request) => {
      const b = request.body;
      store.upsertStaff({
        username: b.username,
        display_name: b.displayName,
        role: b.role,
        password_hash: hashPassword(b.password),
        created_at: now(),
      });
      store.audit(now(), request.staff!.username, 'staff.upsert', { username: b.username, role: b.role });
      return { staff: { username: b.username, displayName: b.displayName, role: b.role } };
    },
  );

  /** The manager's live feed: KPIs and the queue at most every 2 s, calls and device changes at once. */
  app.get('/api/events/staff', { preHandler: managers }, async (request, reply) => {
    openStream(request, reply, (send) => {
      const snapshot = () => {
        const t = now();
        send('kpis', kpis(t));
        send('queue', service.core.summary(t));
        send('advice', adviseSwitches(site, service.core.state, t));
      };
      snapshot();
      let pending: NodeJS.Timeout | null = null;
      const onCommit = () => {
        pending ??= setTimeout(() => {
          pending = null;
          snapshot();
        }, 2000);
      };
      const onCall = (call: unknown) => send('call', call);
      const onDevice = (deviceId: string, online: boolean) => send('device', { deviceId, online });
      const onDeviceEvent = (deviceId: string, name: string, body: Record<string, unknown>) =>
        send('deviceEvent', { deviceId, name, body });
      service.bus.on('committed', onCommit);
      service.bus.on('call', onCall);
      service.bus.on('device', onDevice);
      service.bus.on('deviceEvent', onDeviceEvent);
      return () => {
        if (pending) clearTimeout(pending);
        service.bus.off('committed', onCommit);
        service.bus.off('call', onCall);
        service.bus.off('device', onDevice);
        service.bus.off('deviceEvent', onDeviceEvent);
      };
    });
  });
}
