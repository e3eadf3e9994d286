/** The province app (kiosk-ui builds it into kiosk-ui/dist as province.html) at `/province`. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const APPS_DIST = join(import.meta.dirname, '..', '..', 'kiosk-ui', 'dist');

export async function provinceApp(app: FastifyInstance, dist = APPS_DIST): Promise<void> {
  const assets = join(dist, 'assets');
  if (existsSync(assets))
    await app.register(fastifyStatic, { root: assets, prefix: '/assets/', maxAge: '7d', immutable: true });
  app.get('/province', async (_request, reply) => {
    reply.header('content-type', 'text/html; charset=utf-8');
    const page = join(dist, 'province.html');
    if (existsSync(page)) return readFileSync(page, 'utf8');
    return `<!doctype html><html lang="vi"><meta charset="utf-8"><title>Hub</title>
<p>Ứng dụng tỉnh chưa được build: chạy <code>npm run build -w kiosk-ui</code>.</p>
<p>The province app is not built: run <code>npm run build -w kiosk-ui</code>.</p></html>`;
  });
}
