/**
 * The hub's HTTP API (PROTOCOL.md §5): health, staff sign-in (cookie), the sites with today's
 * figures, a site's tickets of a day, and the province app.
 */
import { createHash } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  fail,
  HubHealth,
  type HubSite,
  HubSitesResponse,
  HubTicketsQuery,
  HubTicketsResponse,
  LoginBody,
  localDate,
  OkResponse,
  StaffResponse,
  TicketParams,
  toIsoLocal,
} from '@oss/protocol';
import { randomSecret, verifyPassword } from '@oss/queue-server/auth';
import { installErrorHandler } from '@oss/queue-server/http-errors';
import type { Logger } from '@oss/queue-server/log';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { exportRoutes } from './export.ts';
import { type ProvinceSettings, provinceSettings } from './hub-config.ts';
import { provinceApp } from './pages.ts';
import { periodRoutes } from './period-routes.ts';
import { dayFigures, ticketView } from './project.ts';
import type { HubStore, SiteRow, StaffRow } from './store.ts';

export const HUB_SESSION_COOKIE = 'oss_hub_session';
const SESSION_MS = 12 * 3_600_000;
/** Sites of Vietnam share one zone; a site's own info overrides it. */
const DEFAULT_ZONE = 'Asia/Ho_Chi_Minh';
const DEFAULT_TARGET_MINUTES = 15;

export interface HubHttpOptions {
  store: HubStore;
  log: Logger;
  clock: () => number;
  health: () => Promise<{ database: boolean; broker: boolean }>;
  secureCookies: boolean;
  /** The built province app (kiosk-ui's dist), when present. */
  appsDist?: string;
  /** The province's floors and sites' areas (`OSS_HUB_CONFIG`); Decision 468's floors when absent. */
  settings?: ProvinceSettings;
}

const tokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');

export async function buildHubHttp(options: HubHttpOptions): Promise<FastifyInstance> {
  const { store, clock } = options;
  const app = Fastify({
    logger: false,
    bodyLimit: 16 * 1024,
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  installErrorHandler(app, options.log);
  await app.register(fastifyCookie);
  // Refuse state changes from other origins (CSRF), as on a site.
  app.addHook('onRequest', async (request) => {
    const origin = request.headers.origin;
    if (request.method !== 'GET' && origin && new URL(origin).host !== request.headers.host)
      fail('forbidden', 'Yêu cầu từ trang khác bị từ chối', 'Cross-site request refused');
  });

  const staffOf = async (request: FastifyRequest): Promise<StaffRow> => {
    const token = request.cookies[HUB_SESSION_COOKIE];
    const staff = token ? await store.findSession(tokenHash(token), clock()) : null;
    if (!staff) fail('unauthorized', 'Cần đăng nhập', 'Sign-in required');
    return staff;
  };

  app.get(
    '/api/health',
    { schema: { response: { 200: HubHealth, 503: HubHealth } } },
    async (_request, reply) => {
      const h = await options.health();
      const ok = h.database && h.broker;
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', ...h } as const);
    },
  );

  app.post(
    '/api/auth/login',
    {
      schema: { body: LoginBody, response: { 200: StaffResponse } },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const staff = await store.findStaff(username);
      if (!staff || !(await verifyPassword(password, staff.password_hash)))
        fail('unauthorized', 'Sai tên đăng nhập hoặc mật khẩu', 'Wrong username or password');
      const token = randomSecret(32);
      await store.createSession(tokenHash(token), staff.username, clock() + SESSION_MS);
      reply.setCookie(HUB_SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: options.secureCookies,
        maxAge: SESSION_MS / 1000,
      });
      return { staff: { username: staff.username, displayName: staff.username, role: staff.role } };
    },
  );

  app.post('/api/auth/logout', { schema: { response: { 200: OkResponse } } }, async (request, reply) => {
    const token = request.cookies[HUB_SESSION_COOKIE];
    if (token) await store.deleteSession(tokenHash(token));
    reply.clearCookie(HUB_SESSION_COOKIE, { path: '/' });
    return { ok: true } as const;
  });

  app.get('/api/auth/me', { schema: { response: { 200: StaffResponse } } }, async (request) => {
    const staff = await staffOf(request);
    return { staff: { username: staff.username, displayName: staff.username, role: staff.role } };
  });

  app.get('/api/sites', { schema: { response: { 200: HubSitesResponse } } }, async (request) => {
    await staffOf(request);
    const now = clock();
    const sites = await store.listSites();
    return { sites: await Promise.all(sites.map((s) => siteSummary(store, s, now))) };
  });

  app.get(
    '/api/sites/:id/tickets',
    {
      schema: { params: TicketParams, querystring: HubTicketsQuery, response: { 200: HubTicketsResponse } },
    },
    async (request) => {
      await staffOf(request);
      const { id } = request.params;
      const site = await store.findSite(id);
      if (!site) fail('not_found', `Không có đơn vị "${id}"`, `No site "${id}"`);
      const zone = zoneOf(site);
      const day = request.query.day ?? localDate(clock(), zone);
      const tickets = await store.ticketsOfDay(id, day);
      // Addition: the site's service names, so that a reader need not know its ids.
      const services = (site.info?.services ?? []).map(({ id, prefix, name }) => ({ id, prefix, name }));
      return { tickets: tickets.map((t) => ticketView(t, zone)), services };
    },
  );

  exportRoutes(app, store, clock, staffOf);
  periodRoutes(app, { store, clock, staffOf, settings: options.settings ?? provinceSettings() });
  await provinceApp(app, options.appsDist);
  app.get('/', (_request, reply) => reply.redirect('/province'));
  return app;
}

function zoneOf(site: SiteRow): string {
  return site.info?.timeZone ?? DEFAULT_ZONE;
}

/** One row of `GET /api/sites`: the site's name, last event and today's figures in its own zone. */
async function siteSummary(store: HubStore, site: SiteRow, now: number): Promise<HubSite> {
  const zone = zoneOf(site);
  const day = localDate(now, zone);
  const target = site.info?.waitTargetMinutes ?? DEFAULT_TARGET_MINUTES;
  const [tickets, ratings] = await Promise.all([
    store.ticketsOfDay(site.id, day),
    store.ratingsOfDay(site.id, day),
  ]);
  return {
    id: site.id,
    name: site.info?.name ?? { vi: site.id, en: site.id },
    lastEventAt: site.last_event_at === null ? null : toIsoLocal(site.last_event_at, zone),
    // Additions: the link's state, the feed's position (every site event up to it is here), the day.
    online: site.online,
    feedSeq: site.last_seq,
    waitTargetMinutes: target,
    day,
    today: dayFigures(tickets, ratings, now, target),
  };
}
