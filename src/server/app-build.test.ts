/**
 * `npm start` reuses a build whose sources have not changed — whoever made it, `npm start`
 * itself or `npm run build` (vite build, through the plugin in vite.config.ts) — and rebuilds
 * when a source's content changes. Contents count, not mtimes: touching a file, or a checkout
 * that rewrites it unchanged, does not rebuild; editing a test file does not either.
 */
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Plugin, ResolvedConfig } from 'vite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import viteConfig from '../../vite.config';
import { BUILD_STAMP, buildIsCurrent, sourceHash, writeBuildStamp } from './app-build';

let root: string;
let dist: string;

async function put(relative: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
  await writeFile(path.join(root, relative), text);
}

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'civic-build-'));
  dist = path.join(root, 'dist');
  await put('index.html', '<!doctype html><script type="module" src="/src/app/main.ts"></script>');
  await put('package.json', '{"name":"x"}');
  await put('src/app/main.ts', 'console.log(1);\n');
  await put('src/app/main.test.ts', 'test\n');
  await put('src/domain/score.ts', 'export const x = 1;\n');
  await put('src/server/app.ts', 'server\n');
  await put('dist/index.html', 'built');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('is the build current?', () => {
  it('is not without a stamp (a build from before, or an interrupted one)', () => {
    expect(buildIsCurrent(root, dist)).toBe(false);
  });

  it('compares the sources’ content hash, not their mtimes', async () => {
    writeBuildStamp(dist, sourceHash(root));
    expect(buildIsCurrent(root, dist)).toBe(true);

    // Touched (a checkout, a copy, an editor saving unchanged): newer than the stamp, same bytes.
    const later = new Date(Date.now() + 60_000);
    await utimes(path.join(root, 'src/app/main.ts'), later, later);
    await put('src/domain/score.ts', 'export const x = 1;\n');
    expect(buildIsCurrent(root, dist)).toBe(true);
    // Neither tests nor server code go into the app.
    await put('src/app/main.test.ts', 'another test\n');
    await put('src/server/app.ts', 'changed server\n');
    expect(buildIsCurrent(root, dist)).toBe(true);

    await put('src/domain/score.ts', 'export const x = 2;\n');
    expect(buildIsCurrent(root, dist)).toBe(false);
    await put('src/domain/score.ts', 'export const x = 1;\n');
    expect(buildIsCurrent(root, dist)).toBe(true);
    await put('src/app/new.ts', '\n');
    expect(buildIsCurrent(root, dist)).toBe(false);
  });
});

describe('vite build (npm run build)', () => {
  const plugin = (viteConfig.plugins ?? [])
    .flat()
    .find((candidate): candidate is Plugin => (candidate as Plugin | null)?.name === 'civic-build-output');
  const run = async (hook: unknown) => {
    const handler = typeof hook === 'function' ? hook : (hook as { handler: (...args: unknown[]) => unknown }).handler;
    await (handler as (...args: unknown[]) => unknown).call({}, { root, build: { outDir: 'dist' } } as ResolvedConfig);
  };

  it('writes the stamp and the compressed copies, so that npm start reuses its build', async () => {
    expect(plugin, 'vite.config.ts registers buildOutputPlugin').toBeDefined();
    expect(plugin!.apply).toBe('build');
    const script = `export const rows = [${Array.from({ length: 400 }, (_, index) => `"站${index}"`).join(',')}];\n`;
    await put('dist/assets/index-abc.js', script);
    await put('dist/icons/icon.png', 'x'.repeat(4000));

    await run(plugin!.configResolved);
    await run(plugin!.buildStart);
    await run(plugin!.closeBundle);
    expect(await readFile(path.join(dist, BUILD_STAMP), 'utf8')).toBe(`${sourceHash(root)}\n`);
    expect(buildIsCurrent(root, dist)).toBe(true);

    const original = await readFile(path.join(dist, 'assets/index-abc.js'));
    expect(brotliDecompressSync(await readFile(path.join(dist, 'assets/index-abc.js.br')))).toEqual(original);
    expect(gunzipSync(await readFile(path.join(dist, 'assets/index-abc.js.gz')))).toEqual(original);
    await expect(readFile(path.join(dist, 'icons/icon.png.br'))).rejects.toThrow(); // images stay as they are
    await expect(readFile(path.join(dist, 'index.html.br'))).rejects.toThrow(); // under 1 kB: not worth it
  });

  it('stamps the sources it started from, not those at its end', async () => {
    await run(plugin!.configResolved);
    await run(plugin!.buildStart);
    await put('src/app/main.ts', 'console.log(2);\n');
    await run(plugin!.closeBundle);
    expect(buildIsCurrent(root, dist)).toBe(false);
  });
});
