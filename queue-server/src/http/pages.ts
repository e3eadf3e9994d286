/**
 * The four apps (built by kiosk-ui into kiosk-ui/dist) and a plain status page at `/`.
 * Until the apps are built, each app route answers with a short page that says so.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { APPS_DIST } from '../paths.ts';
import type { QueueService } from '../queue-service.ts';

/** Route → the built page that serves it. */
const APP_PAGES: Record<string, string> = {
  '/kiosk': 'kiosk.html',
  '/counter': 'counter.html',
  '/display': 'display.html',
  '/dashboard': 'dashboard.html',
  '/t/:ticketId': 'ticket.html',
  '/book': 'book.html',
};

/**
 * The status page's only inline code and style; the Content-Security-Policy admits them by hash.
 * The script reloads on queue changes, skipping the stream's first summary (the one it shows).
 */
const STATUS_SCRIPT =
  "let seen = false; new EventSource('/api/events').addEventListener('queue', () => { if (!seen) { seen = true; return; } clearTimeout(window.r); window.r = setTimeout(() => location.reload(), 1000); });";
const STYLE = `
body{font-family:system-ui,'Noto Sans',sans-serif;margin:2rem;color:#1a2b3c}h1{color:#b71c1c}
table{border-collapse:collapse}td,th{border:1px solid #ccd;padding:.4rem .6rem;text-align:left}td.n{text-align:right}
`;
const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
export const INLINE_HASHES = { script: sha256(STATUS_SCRIPT), style: sha256(STYLE) };

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export async function pages(
  app: FastifyInstance,
  { service, dist = APPS_DIST }: { service: QueueService; dist?: string },
) {
  const assets = join(dist, 'assets');
  if (existsSync(assets))
    await app.register(fastifyStatic, { root: assets, prefix: '/assets/', maxAge: '7d', immutable: true });

  for (const [route, file] of Object.entries(APP_PAGES)) {
    app.get(route, async (_request, reply) => {
      reply.header('content-type', 'text/html; charset=utf-8');
      const path = join(dist, file);
      if (existsSync(path)) return readFileSync(path, 'utf8');
      return layout(
        'Ứng dụng chưa được build / App not built',
        `<p>Chạy <code>npm run build -w kiosk-ui</code> rồi tải lại trang.</p>
         <p>Run <code>npm run build -w kiosk-ui</code>, then reload.</p><p><a href="/">← Trạng thái / Status</a></p>`,
      );
    });
  }

  app.get('/', async (_request, reply) => {
    const { site } = service;
    const summary = service.core.summary(service.clock());
    const rows = summary.services
      .map((s) => {
        const def = site.services.get(s.serviceId)!;
        return `<tr><td>${def.prefix}</td><td>${escapeHtml(def.name.vi)}<br><small>${escapeHtml(def.name.en)}</small></td>
          <td class="n">${s.waiting}</td><td class="n">${s.noCounterOpen ? 'chưa có quầy phục vụ<br><small>no counter open</small>' : s.etaMinutes}</td><td class="n">${s.countersOpen}</td><td>${s.lastCalled ?? '—'}</td></tr>`;
      })
      .join('');
    const counters = summary.counters
      .map(
        (c) =>
          `<li>Quầy ${c.number} / Counter ${c.number}: ${c.currentNumber ?? (c.open ? 'sẵn sàng / ready' : 'đóng / closed')}</li>`,
      )
      .join('');
    reply.header('content-type', 'text/html; charset=utf-8');
    return layout(
      `${escapeHtml(site.config.site.name.vi)}`,
      `<p>${escapeHtml(site.config.site.name.en)} — ${escapeHtml(site.config.site.address)}</p>
       <table><thead><tr><th></th><th>Dịch vụ / Service</th><th>Đang chờ / Waiting</th><th>Dự kiến chờ (phút) / Est. wait (min)</th><th>Quầy mở / Counters open</th><th>Số vừa gọi / Last called</th></tr></thead><tbody>${rows}</tbody></table>
       <ul>${counters}</ul>
       <h2>Ứng dụng / Apps</h2>
       <ul><li><a href="/kiosk">Ki-ốt / Kiosk</a></li><li><a href="/counter">Quầy / Counter console</a></li>
       <li><a href="/display">Bảng hiển thị / Display board</a></li><li><a href="/dashboard">Quản lý / Dashboard</a></li>
       <li><a href="/book">Đặt lịch hẹn / Book an appointment</a></li></ul>
       <h2>API</h2>
       <ul><li><a href="/api/health">/api/health</a></li><li><a href="/api/services">/api/services</a></li>
       <li><a href="/api/counters">/api/counters</a></li><li><a href="/api/queue">/api/queue</a></li><li><a href="/api/procedures">/api/procedures</a></li></ul>
       <script>${STATUS_SCRIPT}</script>`,
    );
  });
}

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title><style>${STYLE}</style></head><body><h1>${title}</h1>${body}</body></html>`;
}
