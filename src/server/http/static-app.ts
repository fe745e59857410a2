/**
 * Serves the built PWA from `dist/`: hashed assets (under /assets) cached for a year, everything
 * else (index.html, sw.js, the manifest) revalidated on every load so that a new version is
 * found. Text files go out as the brotli or gzip copies the build wrote beside them
 * (`x.js.br`, `x.js.gz`, see precompress.ts) when the request accepts that encoding, with
 * `Vary: Accept-Encoding` on every file so that a shared cache keeps the variants apart.
 * Any other GET that is not under /api gets index.html, so deep links work in the SPA.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const IMMUTABLE = 'public, max-age=31536000, immutable';

export async function serveApp(app: FastifyInstance, distDir: string): Promise<void> {
  if (!existsSync(path.join(distDir, 'index.html'))) {
    app.log.warn({ distDir }, 'no app build found: serving the API only');
    return;
  }
  const assets = path.join(path.resolve(distDir), 'assets') + path.sep;
  await app.register(fastifyStatic, {
    root: distDir,
    wildcard: true,
    index: ['index.html'],
    cacheControl: false,
    preCompressed: true,
    setHeaders(res, filePath) {
      res.setHeader('Cache-Control', filePath.startsWith(assets) ? IMMUTABLE : 'no-cache');
      res.setHeader('Vary', 'Accept-Encoding');
    },
  });
}

/** The app's shell for client-side routes (anything but /api and files). */
export function isAppRoute(method: string, url: string): boolean {
  return (
    (method === 'GET' || method === 'HEAD') &&
    !url.startsWith('/api/') &&
    url !== '/api' &&
    !path.extname(url.split('?')[0] ?? '')
  );
}
