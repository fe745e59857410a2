/**
 * Security headers on every response. The CSP allows only this origin's scripts, styles,
 * workers and connections — what the PWA needs (its service worker and Web Workers are
 * same-origin files; photos are shown from blob: URLs; inline styles come from React's style
 * attributes). Camera and location stay allowed for this origin only.
 */
import type { FastifyInstance } from 'fastify';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "manifest-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': 'camera=(self), geolocation=(self), microphone=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
} as const;

/** Over HTTPS, browsers are told to use nothing else for a year (ignored over plain HTTP). */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000';

/**
 * On every response that goes through a route or the not-found handler (frameworkErrors set
 * them itself). API answers carry tokens, personal data and photos: none is stored by a browser
 * or a proxy cache unless its route says otherwise (the public ranking does).
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    void reply.headers(SECURITY_HEADERS);
    // request.protocol believes X-Forwarded-Proto only from a trusted proxy (TRUST_PROXY).
    if (request.protocol === 'https') void reply.header('Strict-Transport-Security', STRICT_TRANSPORT_SECURITY);
    if (request.url.startsWith('/api/') && !reply.hasHeader('Cache-Control'))
      void reply.header('Cache-Control', 'no-store');
    return payload;
  });
}
