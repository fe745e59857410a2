/**
 * Builds the photo harness page (`photos.html`, which loads the app's real `src/app/photos`)
 * with Vite's build API into a fresh temporary folder, and serves it from a small static
 * server on 127.0.0.1 (a secure context, as crypto.subtle needs; module workers need a real
 * origin and a JavaScript MIME type). Production build, not the dev server: the worker is
 * bundled and minified exactly as in the app, so the measured figures are the app's.
 *
 * The config is inline (`configFile: false`): the app's vite.config.ts adds the PWA plugin,
 * which a test page must not have. The app sets no `worker` options, and neither does this;
 * if it ever does, mirror them here.
 */
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { build } from 'vite';

const HARNESS_DIR = import.meta.dirname;

/** Content types of what a harness build holds (its pages, scripts, styles and maps). */
export const HARNESS_MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.jpg': 'image/jpeg',
};

export interface PhotoHarness {
  /** Origin of the static server, e.g. http://127.0.0.1:41234 */
  origin: string;
  /** The harness page. */
  pageUrl: string;
  /** Stops the server and deletes the build. */
  close(): Promise<void>;
}

/**
 * Vite's production build of one harness page (`root/page`) into `outDir`, to be served under
 * `base`. Inline config: the app's vite.config.ts adds the PWA plugin, which a test page must not have.
 */
export async function buildHarnessPage({
  root,
  page,
  outDir,
  base = '/',
}: {
  root: string;
  page: string;
  outDir: string;
  base?: string;
}): Promise<void> {
  await build({
    configFile: false,
    root,
    base,
    publicDir: false,
    envDir: false,
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: true,
      reportCompressedSize: false,
      rolldownOptions: { input: path.join(root, page) },
    },
  });
}

/** Builds the harness into `outDir` (Vite's production build of e2e/harness/photos.html). */
export function buildPhotoHarness(outDir: string): Promise<void> {
  return buildHarnessPage({ root: HARNESS_DIR, page: 'photos.html', outDir });
}

/** Builds the harness and serves it on a free port of 127.0.0.1. */
export async function startPhotoHarness(): Promise<PhotoHarness> {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'civic-photo-harness-'));
  try {
    await buildPhotoHarness(outDir);
  } catch (error) {
    rmSync(outDir, { recursive: true, force: true });
    throw error;
  }
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://harness').pathname);
    const file = path.join(outDir, pathname === '/' ? 'photos.html' : pathname);
    const type = HARNESS_MIME[path.extname(file)];
    if (!file.startsWith(outDir + path.sep) || !type || !isFile(file)) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    pageUrl: `${origin}/photos.html`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
