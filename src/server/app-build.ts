/**
 * `npm start` builds the app when there is no build yet, or when its sources are newer than
 * the build (so a `git pull` never serves a stale app). The build runs `vite build` in a
 * child process: the server process never loads the bundler.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const BUILD_INPUTS = ['index.html', 'vite.config.ts', 'package.json', 'public', 'src/app', 'src/domain', 'rubric'];
const STAMP = '.build-stamp';

export function buildIsCurrent(root: string, distDir: string): boolean {
  const stamp = path.join(distDir, STAMP);
  if (!existsSync(path.join(distDir, 'index.html')) || !existsSync(stamp)) return false;
  const builtAt = statSync(stamp).mtimeMs;
  return BUILD_INPUTS.every((input) => newestMtime(path.join(root, input)) <= builtAt);
}

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
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
  writeFileSync(path.join(distDir, STAMP), new Date().toISOString());
  log(`构建完成 (built) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
