/**
 * The built app as the server sends it: text files as the brotli or gzip copies the build made
 * (whichever the request accepts, brotli first), the same bytes once decoded, `Vary:
 * Accept-Encoding` on every file, hashed assets cached for a year and the shell files
 * (index.html — also for deep links —, sw.js, the manifest) revalidated.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { openDatabase, type Storage } from '../storage/database';
import { createPhotoStore } from '../storage/photo-store';
import { projectRubrics } from '../test-support/api-harness';
import { precompressDir } from './precompress';
import { IMMUTABLE } from './static-app';

let dir: string;
let storage: Storage;
let app: FastifyInstance;
const files: Record<string, string> = {
  'index.html': `<!doctype html><html lang="zh-CN"><head><title>新时代文明实践阵地测评</title>${'<link rel="modulepreload" href="/assets/chunk.js">'.repeat(40)}</head></html>`,
  'assets/index-Ab12.js': `export const sites = [${Array.from({ length: 2000 }, (_, index) => `"站${index}"`).join(',')}];`,
  'assets/index-Cd34.css': `.office-card{padding:1rem}\n`.repeat(100),
  'sw.js': `self.__WB_MANIFEST = [${Array.from({ length: 60 }, (_, index) => `{url:"assets/x${index}.js",revision:null}`).join(',')}];`,
  'manifest.webmanifest': JSON.stringify({
    name: '新时代文明实践阵地测评',
    icons: Array(60).fill({ src: '/icons/icon-192.png' }),
  }),
  'favicon.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'civic-static-'));
  const dist = path.join(dir, 'dist');
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dist, name)), { recursive: true });
    await writeFile(path.join(dist, name), text);
  }
  await precompressDir(dist);
  storage = await openDatabase({ dataDir: dir });
  const ctx = {
    db: storage.db,
    engine: storage.engine,
    photos: createPhotoStore(dir),
    rubrics: await projectRubrics(),
    now: () => new Date(),
  };
  app = await buildApp({ ctx, distDir: dist, logger: false });
});
afterAll(async () => {
  await app.close();
  await storage.close();
  await rm(dir, { recursive: true, force: true });
});

const get = (url: string, acceptEncoding?: string) =>
  app.inject({
    method: 'GET',
    url,
    headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding },
  });

function decoded(response: Awaited<ReturnType<typeof get>>): string {
  const bytes = response.rawPayload;
  const encoding = response.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(bytes).toString('utf8');
  if (encoding === 'gzip') return gunzipSync(bytes).toString('utf8');
  return bytes.toString('utf8');
}

describe('static files', () => {
  const cases: [string, string, string, RegExp][] = [
    ['/assets/index-Ab12.js', 'assets/index-Ab12.js', IMMUTABLE, /^text\/javascript|^application\/javascript/],
    ['/assets/index-Cd34.css', 'assets/index-Cd34.css', IMMUTABLE, /^text\/css/],
    ['/sw.js', 'sw.js', 'no-cache', /javascript/],
    ['/manifest.webmanifest', 'manifest.webmanifest', 'no-cache', /^application\/manifest\+json/],
    ['/', 'index.html', 'no-cache', /^text\/html/],
    ['/index.html', 'index.html', 'no-cache', /^text\/html/],
    ['/office/rounds/R2021-07/report', 'index.html', 'no-cache', /^text\/html/], // a deep link
  ];

  it.each(cases)('%s: brotli, gzip or as is, by Accept-Encoding', async (url, file, cacheControl, type) => {
    const original = files[file]!;
    for (const [accept, encoding] of [
      ['gzip, deflate, br, zstd', 'br'],
      ['br', 'br'],
      ['gzip, deflate', 'gzip'],
      ['gzip;q=1, br;q=0', 'gzip'],
      ['identity', undefined],
      [undefined, undefined],
    ] as const) {
      const response = await get(url, accept);
      expect([url, accept, response.statusCode]).toEqual([url, accept, 200]);
      expect([url, accept, response.headers['content-encoding']]).toEqual([url, accept, encoding]);
      expect(response.headers.vary).toMatch(/accept-encoding/i);
      expect(response.headers['cache-control']).toBe(cacheControl);
      expect(response.headers['content-type']).toMatch(type);
      expect(decoded(response)).toBe(original);
      if (encoding) expect(response.rawPayload.length).toBeLessThan(Buffer.byteLength(original) / 2);
      // A cache must not hand the gzip copy to a client that asked for brotli or for none.
      if (encoding) expect(response.headers.etag).not.toBe((await get(url)).headers.etag);
    }
  });

  it('sends a small file without a copy as it is, still varying by encoding', async () => {
    const response = await get('/favicon.svg', 'br, gzip');
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers.vary).toMatch(/accept-encoding/i);
    expect(response.body).toBe(files['favicon.svg']);
  });

  it('keeps API responses out of it', async () => {
    const response = await get('/api/health', 'br');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(await readFile(path.join(dir, 'dist', 'assets', 'index-Ab12.js.br'))).toBeTruthy();
  });
});
