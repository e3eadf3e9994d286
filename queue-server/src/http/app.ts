/** The HTTP application: plugins for the public API, actions, staff routes, the live feed and pages. */
import fastifyCookie from '@fastify/cookie';
import { fail, PROTOCOL_FORMATS } from '@oss/protocol';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '../log.ts';
import type { QueueService } from '../queue-service.ts';
import { actionRoutes } from './action-routes.ts';
import { announcementRoutes } from './announcements.ts';
import { identify, Sessions } from './auth.ts';
import { installErrorHandler } from './errors.ts';
import { pages } from './pages.ts';
import { publicRoutes } from './public-routes.ts';
import { securityHeaders } from './security-headers.ts';
import { staffRoutes } from './staff-routes.ts';
import { visitRoutes } from './visit-routes.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered, for tests that must cover them all. */
    routeList: RouteEntry[];
  }
}

export interface RouteEntry {
  method: string;
  url: string;
  /** Status codes (or `2xx`-style ranges) whose body has a schema in the route. */
  answers: string[];
}

/** The host of an Origin header, or null when it is `null` or not a URL. */
function hostOf(origin: string): string | null {
  return URL.canParse(origin) ? new URL(origin).host : null;
}

/**
 * One line per answer: the route's pattern, never the URL (ticket ids, query strings), and never a
 * body. Refusals at info (who and from where), the rest at debug; 5xx are logged by the error handler.
 */
function logRequests(app: FastifyInstance, log: Logger): void {
  app.addHook('onResponse', async (request, reply) => {
    const status = reply.statusCode;
    const fields = {
      method: request.method,
      route: request.routeOptions.url ?? '(none)',
      status,
      ms: Math.round(reply.elapsedTime),
    };
    if (status < 400) return log.debug(fields, 'http');
    const actor = request.staff?.username ?? request.device?.id ?? null;
    log.info({ ...fields, actor, ip: request.ip }, 'http refused');
  });
}

export interface HttpAppOptions {
  service: QueueService;
  log: Logger;
  health: () => { database: boolean; broker: boolean; gateway: boolean };
  secureCookies?: boolean;
  appsDist?: string;
  /** The site configuration's file: announcements' files are relative to its folder. */
  siteConfigFile: string;
}

export async function buildHttpApp(options: HttpAppOptions): Promise<FastifyInstance> {
  const { service, log } = options;
  const app = Fastify({
    logger: false,
    bodyLimit: 64 * 1024,
    return503OnClosing: true,
    // As strict as the MQTT side: unknown fields and wrong types are refused, not dropped or coerced.
    ajv: {
      customOptions: {
        removeAdditional: false,
        coerceTypes: false,
        allErrors: false,
        formats: PROTOCOL_FORMATS,
      },
    },
  });
  const routeList: RouteEntry[] = [];
  app.decorate('routeList', routeList);
  app.addHook('onRoute', (route) => {
    const answers = Object.keys(route.schema?.response ?? {});
    for (const method of [route.method].flat())
      if (method !== 'HEAD') routeList.push({ method, url: route.url, answers });
  });
  securityHeaders(app);
  installErrorHandler(app, log);
  logRequests(app, log);
  await app.register(fastifyCookie);
  const sessions = new Sessions(service.store, service.clock);
  identify(app, sessions, service.store);
  // Public reads may come from an agent-served app on another origin; no credentials are involved.
  app.addHook('onSend', async (request, reply) => {
    if (
      request.method === 'GET' &&
      request.url.startsWith('/api/') &&
      !request.url.startsWith('/api/events/staff')
    )
      reply.header('access-control-allow-origin', '*');
  });
  // Browsers send an Origin on cross-site requests: refuse state changes from other origins (CSRF).
  // `Origin: null` (sandboxed frames, file: pages) and a malformed Origin are refused too.
  app.addHook('onRequest', async (request) => {
    if (request.method === 'GET' || request.method === 'HEAD') return;
    const origin = request.headers.origin;
    if (origin !== undefined && hostOf(origin) !== request.headers.host)
      fail('forbidden', 'Yêu cầu từ trang khác bị từ chối', 'Cross-site request refused');
  });
  await app.register(publicRoutes, { service, health: options.health });
  await app.register(actionRoutes, { service });
  await app.register(staffRoutes, { service, sessions, secureCookies: options.secureCookies ?? false });
  await app.register(visitRoutes, { service });
  await app.register(announcementRoutes, {
    config: service.site.config,
    siteConfigFile: options.siteConfigFile,
  });
  await app.register(pages, { service, ...(options.appsDist ? { dist: options.appsDist } : {}) });
  return app;
}
