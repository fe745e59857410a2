/**
 * The JavaScript a phone loads before the inspector's first screen: the entry script of
 * dist/index.html and every chunk it imports statically (modulepreload links), gzipped.
 * Lazy chunks (the office workspace, the English catalogue, the photo worker) are not counted.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface FirstLoad {
  files: { file: string; bytes: number; gzip: number }[];
  totalGzip: number;
}

export function measureFirstLoad(distDir: string): FirstLoad {
  const html = readFileSync(path.join(distDir, 'index.html'), 'utf8');
  const entries = [
    ...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g),
  ].map((match) => match[1]!);
  const seen = new Set<string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(path.join(distDir, file), 'utf8');
    // Static imports between chunks: `import{…}from"./x.js"` or `import"./x.js"` (not `import(`).
    for (const match of source.matchAll(/\bimport\s*(?:[\w{}$,*\s]+from\s*)?["'](\.\/[^"']+\.js)["']/g)) {
      queue.push(path.posix.join(path.posix.dirname(file), match[1]!));
    }
  }
  const files = [...seen].map((file) => {
    const content = readFileSync(path.join(distDir, file));
    return { file, bytes: content.length, gzip: gzipSync(content, { level: 9 }).length };
  });
  return { files, totalGzip: files.reduce((sum, file) => sum + file.gzip, 0) };
}
