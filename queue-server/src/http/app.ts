/** The HTTP application: plugins for the public API, actions, staff routes, the live feed and pages. */
import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '../log.ts';
import type { QueueService } from '../queue-service.ts';
import { actionRoutes } from './action-routes.ts';
import { identify, Sessions } from './auth.ts';
import { installErrorHandler } from './errors.ts';
import { pages } from './pages.ts';
import { publicRoutes } from './public-routes.ts';
import { staffRoutes } from './staff-routes.ts';
import { visitRoutes } from './visit-routes.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered, for tests that must cover them all. */
    routeList: { method: string; url: string }[];
  }
}

export interface HttpAppOptions {
  service: QueueService;
  log: Logger;
  health: () => { database: boolean; broker: boolean; gateway: boolean };
  secureCookies?: boolean;
  appsDist?: string;
}

export async function buildHttpApp(options: HttpAppOptions): Promise<FastifyInstance> {
  const { service, log } = options;
  const app = Fastify({
    logger: false,
    bodyLimit: 64 * 1024,
    return503OnClosing: true,
    // As strict as the MQTT side: unknown fields and wrong types are refused, not dropped or coerced.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });
  const routeList: { method: string; url: string }[] = [];
  app.decorate('routeList', routeList);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat())
      if (method !== 'HEAD') routeList.push({ method, url: route.url });
  });
  installErrorHandler(app, log);
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
  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD') return;
    const origin = request.headers.origin;
    if (origin && new URL(origin).host !== request.headers.host) {
      const text = { vi: 'Yêu cầu từ trang khác bị từ chối', en: 'Cross-site request refused' };
      return reply.status(403).send({ error: { code: 'forbidden', message: text.vi, text } });
    }
  });
  await app.register(publicRoutes, { service, health: options.health });
  await app.register(actionRoutes, { service });
  await app.register(staffRoutes, { service, sessions, secureCookies: options.secureCookies ?? false });
  await app.register(visitRoutes, { service });
  await app.register(pages, { service, ...(options.appsDist ? { dist: options.appsDist } : {}) });
  return app;
}
