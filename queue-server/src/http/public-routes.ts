/** The routes anyone may call (PROTOCOL.md §4 and additions). No personal data leaves through them. */

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  CountersResponse,
  ErrorResponse,
  fail,
  Health,
  ProceduresResponse,
  QueueSummary,
  RecentCallsResponse,
  ServicesResponse,
  SiteResponse,
  type Ticket,
  TicketParams,
  TicketResponse,
  toIsoLocal,
} from '@oss/protocol';
import type { FastifyInstance } from 'fastify';
import type { QueueService } from '../queue-service.ts';
import { publicAnnouncements } from './announcements.ts';
import { openStream } from './stream.ts';

export interface PublicRoutesOptions {
  service: QueueService;
  health: () => { database: boolean; broker: boolean; gateway: boolean };
}

export async function publicRoutes(
  fastify: FastifyInstance,
  { service, health }: PublicRoutesOptions,
): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { site } = service;
  const now = () => service.clock();

  app.get(
    '/api/health',
    {
      schema: {
        response: { 200: Health, 503: Health },
      },
    },
    async (_request, reply) => {
      const h = health();
      const ok = h.database && h.broker && h.gateway;
      return reply
        .status(ok ? 200 : 503)
        .send({ status: ok ? 'ok' : 'degraded', site: site.id, ...h } as const);
    },
  );

  app.get('/api/site', { schema: { response: { 200: SiteResponse } } }, async () => ({
    site: site.config.site,
    openingHours: site.config.openingHours,
    targets: site.config.targets,
    /** What the booking page offers (PROTOCOL.md §6); null when the site takes no appointments. */
    appointments: site.config.appointments
      ? {
          serviceIds:
            site.config.appointments.serviceIds ??
            site.config.services.filter((s) => s.public !== false).map((s) => s.id),
          daysAhead: site.config.appointments.daysAhead,
          slotMinutes: site.config.appointments.slotMinutes,
        }
      : null,
    priorityClasses: site.config.priorityClasses.map(({ id, name, declarable, minAge }) => ({
      id,
      name,
      declarable,
      minAge,
    })),
    announcements: publicAnnouncements(site.config),
  }));

  app.get('/api/services', { schema: { response: { 200: ServicesResponse } } }, async () => ({
    services: site.config.services
      .filter((s) => s.public !== false)
      .map((s) => ({
        id: s.id,
        prefix: s.prefix,
        name: s.name,
        meanServiceMinutes: s.meanServiceMinutes,
        procedureIds: site.config.procedures.filter((p) => p.serviceId === s.id).map((p) => p.id),
        counterIds: site.config.counters.filter((c) => c.serviceIds.includes(s.id)).map((c) => c.id),
      })),
  }));

  app.get('/api/procedures', { schema: { response: { 200: ProceduresResponse } } }, async () => ({
    procedures: site.config.procedures,
  }));

  app.get('/api/counters', { schema: { response: { 200: CountersResponse } } }, async () => ({
    counters: site.config.counters.map((c) => {
      const state = service.core.state.counters.get(c.id);
      return {
        id: c.id,
        number: c.number,
        name: c.name,
        serviceIds: state?.serviceIds ?? c.serviceIds,
        open: state?.open ?? true,
        priorityCounter: c.priorityCounter ?? false,
      };
    }),
  }));

  app.get('/api/queue', { schema: { response: { 200: QueueSummary } } }, async () =>
    service.core.summary(now()),
  );

  /** What a display board lists under "VỪA GỌI" after a reload. */
  app.get('/api/calls', { schema: { response: { 200: RecentCallsResponse } } }, async () => ({
    calls: recentCalls(service, RECENT_CALLS),
  }));

  app.get(
    '/api/tickets/:id',
    {
      schema: {
        params: TicketParams,
        response: { 200: TicketResponse, 404: ErrorResponse },
      },
    },
    async (request) => ({ ticket: publicTicket(service, request.params.id) }),
  );

  /** Live updates of one ticket for the phone page. */
  app.get('/api/tickets/:id/events', { schema: { params: TicketParams } }, async (request, reply) => {
    const { id } = request.params;
    const first = publicTicket(service, id);
    openStream(request, reply, (send) => {
      send('ticket', first);
      let last = JSON.stringify(first);
      const onCommit = () => {
        const t = service.core.ticket(id, now());
        const text = JSON.stringify(t);
        if (t && text !== last) {
          last = text;
          send('ticket', t);
        }
      };
      service.bus.on('committed', onCommit);
      return () => service.bus.off('committed', onCommit);
    });
  });

  /** Live feed for boards and kiosks: the queue summary and calls (without ticket ids). */
  app.get('/api/events', async (request, reply) => {
    openStream(request, reply, (send) => {
      send('queue', service.summary());
      const onCall = (call: { ticketId: string }) => {
        const { ticketId: _secret, ...rest } = call;
        send('call', rest);
      };
      const onSummary = (summary: QueueSummary) => send('queue', summary);
      service.bus.on('call', onCall);
      service.bus.on('summary', onSummary);
      return () => {
        service.bus.off('call', onCall);
        service.bus.off('summary', onSummary);
      };
    });
  });
}

const RECENT_CALLS = 8;

/** Today's last `limit` tickets called, newest first, in the live feed's `call` shape. */
function recentCalls(service: QueueService, limit: number): RecentCallsResponse['calls'] {
  const called = [...service.core.state.tickets.values()]
    .filter((t) => t.calledAt !== undefined && t.counterId !== undefined)
    .sort((a, b) => b.calledAt! - a.calledAt!)
    .slice(0, limit);
  return called.map((t) => ({
    number: t.number,
    counterId: t.counterId!,
    serviceId: t.serviceId,
    calledAt: toIsoLocal(t.calledAt!, service.site.timeZone),
    recall: t.recalls > 0,
    counterNumber: service.site.counters.get(t.counterId!)?.number ?? 0,
    priority: t.priority,
  }));
}

/** Today's tickets from memory (live ETA), older ones from the database. */
function publicTicket(service: QueueService, id: string): Ticket {
  const now = service.clock();
  const live = service.core.ticket(id, now);
  if (live) return live;
  const stored = service.store.findTicket(id);
  if (!stored) fail('not_found', 'Không tìm thấy số thứ tự', 'Ticket not found');
  const core = service.core;
  // A past day's ticket: no one is ahead of it any more.
  return { ...core.ticketViewOf(stored, now), ahead: 0, etaMinutes: 0 };
}
