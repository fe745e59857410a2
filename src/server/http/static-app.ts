/**
 * Serves the built PWA from `dist/`: hashed assets cached for a year, everything else
 * (index.html, sw.js, the manifest) revalidated on every load so that a new version is found.
 * Any other GET that is not under /api gets index.html, so deep links work in the SPA.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export async function serveApp(app: FastifyInstance, distDir: string): Promise<void> {
  if (!existsSync(path.join(distDir, 'index.html'))) {
    app.log.warn({ distDir }, 'no app build found: serving the API only');
    return;
  }
  await app.register(fastifyStatic, {
    root: distDir,
    wildcard: true,
    index: ['index.html'],
    cacheControl: false,
    setHeaders(res, filePath) {
      const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
      res.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
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
