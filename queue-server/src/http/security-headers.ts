/**
 * Headers on every answer, pages and API alike: a Content-Security-Policy that admits only this
 * origin's scripts, styles and connections (the apps need nothing else), no framing (clickjacking),
 * no MIME sniffing, no Referer (a ticket page's address is its secret), and no window relation with
 * other origins (`Cross-Origin-Opener-Policy`; the kiosk's and board's pages go without: pages.ts).
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/** A CSP source that admits exactly this inline script or style. */
export const hashSource = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The policy; a page with inline scripts or styles of its own passes their hash sources. */
export function contentSecurityPolicy(inline: { script?: string[]; style?: string[] } = {}): string {
  return [
    "default-src 'self'",
    ['script-src', "'self'", ...(inline.script ?? [])].join(' '),
    ['style-src', "'self'", ...(inline.style ?? [])].join(' '),
    // The QR library can draw a data: GIF; the apps draw SVG.
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const HEADERS = {
  'content-security-policy': contentSecurityPolicy(),
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

/** Set on the raw response, so that hijacked answers (the live streams) carry them too. */
export function securityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', async (_request, reply) => {
    for (const [name, value] of Object.entries(HEADERS)) reply.raw.setHeader(name, value);
  });
}
