import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LINK_SECRET_FILE, loadLinkSecret } from './link-secret';

const SOURCE = join(import.meta.dirname, 'link-secret.ts');

/** A separate process that loads the secret at `startAt` (all of them at the same moment) and prints it. */
function loadInChild(dir: string, startAt: number): Promise<string> {
  const script = `const { loadLinkSecret } = await import(${JSON.stringify(SOURCE)});
    while (Date.now() < ${startAt});
    process.stdout.write(Buffer.from(loadLinkSecret(${JSON.stringify(dir)}, undefined)).toString('hex'));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${err}`))));
  });
}

describe('loadLinkSecret', () => {
  it('generates the secret once into DATA_DIR (0600) and reads the same one at the next start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'civic-link-secret-'));
    const first = loadLinkSecret(dir, undefined);
    expect(first.byteLength).toBe(32);
    expect(Buffer.from(loadLinkSecret(dir, undefined)).equals(Buffer.from(first))).toBe(true);
    expect((await stat(join(dir, LINK_SECRET_FILE))).mode & 0o777).toBe(0o600);
    expect((await readFile(join(dir, LINK_SECRET_FILE), 'utf8')).length).toBe(43);
    expect(await readdir(dir)).toEqual([LINK_SECRET_FILE]); // no temporary file left behind
  });

  it('makes DATA_DIR on a first start', () => {
    const dir = join(tmpdir(), `civic-link-secret-new-${process.pid}-${Date.now()}`, 'data');
    expect(loadLinkSecret(dir, undefined).byteLength).toBe(32);
  });

  it('takes UNIT_LINK_SECRET when set, and refuses a short one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'civic-link-secret-'));
    const secret = 'x'.repeat(40);
    expect(Buffer.from(loadLinkSecret(dir, secret)).toString()).toBe(secret);
    expect(() => loadLinkSecret(dir, 'short')).toThrow(/UNIT_LINK_SECRET/);
  });

  it('refuses to start with DATABASE_URL and no UNIT_LINK_SECRET, writing no file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'civic-link-secret-'));
    expect(() => loadLinkSecret(dir, undefined, 'postgres://db/civic')).toThrow(/必须设置 UNIT_LINK_SECRET/);
    expect(() => loadLinkSecret(dir, '', 'postgres://db/civic')).toThrow(/UNIT_LINK_SECRET/);
    expect(await readdir(dir)).toEqual([]);
    const secret = 'y'.repeat(32);
    expect(Buffer.from(loadLinkSecret(dir, secret, 'postgres://db/civic')).toString()).toBe(secret);
  });

  it('refuses a damaged secret file instead of deriving links from it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'civic-link-secret-'));
    await writeFile(join(dir, LINK_SECRET_FILE), '');
    expect(() => loadLinkSecret(dir, undefined)).toThrow(/已损坏/);
  });

  it('gives processes starting at the same moment one and the same secret', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'civic-link-secret-'));
    const startAt = Date.now() + 4000;
    const secrets = await Promise.all(Array.from({ length: 6 }, () => loadInChild(dir, startAt)));
    expect(secrets[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(secrets).size).toBe(1);
    expect(await readdir(dir)).toEqual([LINK_SECRET_FILE]);
  }, 30_000);
});
