/**
 * The four apps (built by kiosk-ui into kiosk-ui/dist) and a plain status page at `/`.
 * Until the apps are built, each app route answers with a short page that says so.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { acceptedCodings, fail } from '@oss/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { APPS_DIST } from '../paths.ts';
import type { QueueService } from '../queue-service.ts';
import { contentSecurityPolicy, hashSource } from './security-headers.ts';

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
 * The device pages, shown full screen on a kiosk or a board by their own browser: no other window
 * opens them or is opened by them, and they hold no secret, so they go without
 * `Cross-Origin-Opener-Policy`. With it, Chromium moves every load of them to a new browsing context
 * group (a fresh JavaScript context: about 50 ms on this machine, 4× on a slow device), measured as
 * the largest part of their total blocking time (docs/benchmarks.md). Every other page keeps it.
 */
const DEVICE_PAGES = new Set(['/kiosk', '/display']);

/**
 * The status page's only inline code and style; the Content-Security-Policy admits them by hash.
 * On queue changes (not the stream's first summary, the one it shows) the script fetches the page
 * again and swaps its live part: no reload, so focus and scrolling stay where they are.
 */
const STATUS_SCRIPT =
  "let seen = false; new EventSource('/api/events').addEventListener('queue', () => { if (!seen) { seen = true; return; } clearTimeout(window.r); window.r = setTimeout(async () => { const page = new DOMParser().parseFromString(await (await fetch('/')).text(), 'text/html'); document.getElementById('live').replaceWith(page.getElementById('live')); }, 1000); });";
const STYLE = `
body{font-family:system-ui,'Noto Sans',sans-serif;margin:2rem;color:#1a2b3c}h1{color:#b71c1c}
table{border-collapse:collapse}td,th{border:1px solid #ccd;padding:.4rem .6rem;text-align:left}td.n{text-align:right}
a{display:inline-block;padding:.6rem 0;color:#0b4f9c}
`;
const STATUS_PAGE_POLICY = contentSecurityPolicy({
  script: [hashSource(STATUS_SCRIPT)],
  style: [hashSource(STYLE)],
});

/**
 * The policy for a built page: the build inlines each page's stylesheets (one round trip less before
 * the first paint on a slow link) and a loader that asks for its scripts after that paint, both
 * admitted here by hash. Hashed once per file version.
 */
const builtPagePolicies = new Map<string, { mtimeMs: number; policy: string }>();
function builtPagePolicy(path: string): string {
  const { mtimeMs } = statSync(path);
  const known = builtPagePolicies.get(path);
  if (known?.mtimeMs === mtimeMs) return known.policy;
  const html = readFileSync(path, 'utf8');
  const inline = (tag: string) =>
    [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => hashSource(m[1]!));
  const policy = contentSecurityPolicy({ script: inline('script'), style: inline('style') });
  builtPagePolicies.set(path, { mtimeMs, policy });
  return policy;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Hashed names (Vite's `name-HASH.js`): a new build is a new name, so browsers keep them a year. */
const HASHED = { maxAge: '365d', immutable: true } as const;
/** Pages and the icon name their assets: browsers check them again on each load (304 when unchanged). */
const UNHASHED = 'no-cache';

/** The file built beside `path` for the best encoding the browser accepts (`.br`, `.gz`), or `path`. */
function precompressed(path: string, acceptEncoding: string): { file: string; encoding?: 'br' | 'gzip' } {
  const accepted = acceptedCodings(acceptEncoding);
  if (accepted.has('br') && existsSync(`${path}.br`)) return { file: `${path}.br`, encoding: 'br' };
  if (accepted.has('gzip') && existsSync(`${path}.gz`)) return { file: `${path}.gz`, encoding: 'gzip' };
  return { file: path };
}

/** A built file, precompressed when the browser takes it, with a short cache lifetime. */
function sendBuilt(request: FastifyRequest, reply: FastifyReply, path: string, type: string): Buffer {
  const { file, encoding } = precompressed(path, String(request.headers['accept-encoding'] ?? ''));
  reply.header('content-type', type).header('cache-control', UNHASHED).header('vary', 'accept-encoding');
  if (encoding) reply.header('content-encoding', encoding);
  return readFileSync(file);
}

export async function pages(
  app: FastifyInstance,
  { service, dist = APPS_DIST }: { service: QueueService; dist?: string },
) {
  const assets = join(dist, 'assets');
  if (existsSync(assets))
    await app.register(fastifyStatic, { root: assets, prefix: '/assets/', preCompressed: true, ...HASHED });

  const icon = join(dist, 'favicon.svg');
  app.get('/favicon.svg', async (request, reply) => {
    if (!existsSync(icon))
      fail('not_found', 'Chưa có biểu tượng (ứng dụng chưa build)', 'No icon (apps not built)');
    return sendBuilt(request, reply, icon, 'image/svg+xml');
  });
  // The apps ask whether a device agent serves them; here none does: 204, not a 404 in the console.
  app.get('/agent.json', async (_request, reply) =>
    reply.status(204).header('cache-control', 'no-store').send(),
  );

  for (const [route, file] of Object.entries(APP_PAGES)) {
    app.get(route, async (request, reply) => {
      const path = join(dist, file);
      if (DEVICE_PAGES.has(route)) reply.raw.removeHeader('cross-origin-opener-policy');
      if (existsSync(path)) {
        reply.raw.setHeader('content-security-policy', builtPagePolicy(path));
        return sendBuilt(request, reply, path, 'text/html; charset=utf-8');
      }
      reply.header('content-type', 'text/html; charset=utf-8');
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
    reply.raw.setHeader('content-security-policy', STATUS_PAGE_POLICY);
    return layout(
      `${escapeHtml(site.config.site.name.vi)}`,
      `<p>${escapeHtml(site.config.site.name.en)} — ${escapeHtml(site.config.site.address)}</p>
       <div id="live"><table><thead><tr><th>Mã / Prefix</th><th>Dịch vụ / Service</th><th>Đang chờ / Waiting</th><th>Dự kiến chờ (phút) / Est. wait (min)</th><th>Quầy mở / Counters open</th><th>Số vừa gọi / Last called</th></tr></thead><tbody>${rows}</tbody></table>
       <ul>${counters}</ul></div>
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
<title>${title}</title><link rel="icon" href="/favicon.svg" type="image/svg+xml"><style>${STYLE}</style></head><body><header><h1>${title}</h1></header><main>${body}</main></body></html>`;
}
