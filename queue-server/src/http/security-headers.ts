/**
 * Headers on every answer, pages and API alike: a Content-Security-Policy that admits only this
 * origin's scripts, styles and connections (the apps need nothing else), no framing (clickjacking),
 * no MIME sniffing, and no Referer (a ticket page's address is its secret).
 */
import type { FastifyInstance } from 'fastify';
import { INLINE_HASHES } from './pages.ts';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  `script-src 'self' ${INLINE_HASHES.script}`,
  `style-src 'self' ${INLINE_HASHES.style}`,
  // The QR library can draw a data: GIF; the apps draw SVG.
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
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
