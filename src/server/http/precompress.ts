/**
 * Brotli and gzip copies of the built app's text files (`x.js` → `x.js.br`, `x.js.gz`), made
 * once at build time with node:zlib at the strongest settings, so that the server sends
 * compressed bytes without compressing on every request (@fastify/static `preCompressed`).
 * Files under 1 kB, and copies that would not save at least a tenth, are not written: the
 * server then sends the file as it is.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|webmanifest|txt)$/;
const MIN_BYTES = 1024;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

export async function precompressDir(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && COMPRESSIBLE.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
  let written = 0;
  await Promise.all(
    files.map(async (file) => {
      const bytes = await readFile(file);
      if (bytes.length < MIN_BYTES) return;
      const [br, gz] = await Promise.all([
        brotli(bytes, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
          },
        }),
        gzipAsync(bytes, { level: constants.Z_BEST_COMPRESSION }),
      ]);
      for (const [copy, extension] of [
        [br, '.br'],
        [gz, '.gz'],
      ] as const) {
        if (copy.length > bytes.length * 0.9) continue;
        await writeFile(file + extension, copy);
        written += 1;
      }
    }),
  );
  return written;
}
