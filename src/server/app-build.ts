/**
 * `npm start` builds the app when there is no build yet, or when its sources differ from those
 * the build was made from (so a `git pull` never serves a stale app, and a build made by
 * `npm run build` from the same sources is reused). The build records a SHA-256 of its source
 * inputs (`dist/.build-stamp`): `vite build` writes it through `buildOutputPlugin` (in
 * vite.config.ts), and start compares it with the sources' hash now — contents, not mtimes, so
 * a checkout or a copy that only touches files does not rebuild. The same plugin writes
 * brotli and gzip copies of the text assets for the server to send (see http/static-app.ts).
 * The build runs `vite build` in a child process: the server process never loads the bundler.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';
import { precompressDir } from './http/precompress.ts';

/** What `vite build` reads, relative to the project root. Tests (`*.test.ts(x)`) are left out. */
export const BUILD_INPUTS = [
  'index.html',
  'vite.config.ts',
  'package.json',
  'package-lock.json',
  'public',
  'src/app',
  'src/domain',
  'rubric',
];
export const BUILD_STAMP = '.build-stamp';

const SKIPPED = /\.test\.tsx?$/;

/** SHA-256 over every input file's path and bytes, in a fixed order. */
export function sourceHash(root: string): string {
  const hash = createHash('sha256');
  const visit = (relative: string) => {
    const target = path.join(root, relative);
    if (!existsSync(target)) return;
    if (statSync(target).isDirectory()) {
      for (const entry of readdirSync(target).sort()) visit(path.posix.join(relative, entry));
      return;
    }
    if (SKIPPED.test(relative)) return;
    const bytes = readFileSync(target);
    hash.update(`${relative}\0${bytes.length}\0`);
    hash.update(bytes);
  };
  for (const input of BUILD_INPUTS) visit(input);
  return hash.digest('hex');
}

export function writeBuildStamp(distDir: string, hash: string): void {
  writeFileSync(path.join(distDir, BUILD_STAMP), `${hash}\n`);
}

export function buildIsCurrent(root: string, distDir: string): boolean {
  const stamp = path.join(distDir, BUILD_STAMP);
  if (!existsSync(path.join(distDir, 'index.html')) || !existsSync(stamp)) return false;
  return readFileSync(stamp, 'utf8').trim() === sourceHash(root);
}

/**
 * Vite plugin: hashes the sources when the build starts (what it is about to read) and, once
 * everything is written — the service worker included, which vite-plugin-pwa writes in its own
 * `closeBundle` — compresses the output and writes the stamp, last, so that an interrupted
 * build never looks current.
 */
export function buildOutputPlugin(): Plugin {
  let root = process.cwd();
  let outDir = path.join(root, 'dist');
  let hash = '';
  return {
    name: 'civic-build-output',
    apply: 'build',
    configResolved(config) {
      root = config.root;
      outDir = path.resolve(config.root, config.build.outDir);
    },
    buildStart() {
      hash = sourceHash(root);
    },
    closeBundle: {
      sequential: true,
      order: 'post',
      async handler() {
        await precompressDir(outDir);
        writeBuildStamp(outDir, hash);
      },
    },
  };
}

export async function ensureAppBuild(root: string, distDir: string, log: (message: string) => void): Promise<void> {
  if (buildIsCurrent(root, distDir)) return;
  log('正在构建前端应用 (building the app with vite)…');
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build 失败 (exit code ${code})`))));
  });
  log(`构建完成 (built) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
