import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LINK_SECRET_FILE, loadLinkSecret } from './link-secret';

describe('loadLinkSecret', () => {
  it('generates the secret once into DATA_DIR (0600) and reads the same one at the next start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'civic-link-secret-'));
    const first = loadLinkSecret(dir, undefined);
    expect(first.byteLength).toBe(32);
    expect(Buffer.from(loadLinkSecret(dir, undefined)).equals(Buffer.from(first))).toBe(true);
    expect((await stat(join(dir, LINK_SECRET_FILE))).mode & 0o777).toBe(0o600);
    expect((await readFile(join(dir, LINK_SECRET_FILE), 'utf8')).length).toBe(43);
  });

  it('takes UNIT_LINK_SECRET when set, and refuses a short one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'civic-link-secret-'));
    const secret = 'x'.repeat(40);
    expect(Buffer.from(loadLinkSecret(dir, secret)).toString()).toBe(secret);
    expect(() => loadLinkSecret(dir, 'short')).toThrow(/UNIT_LINK_SECRET/);
  });
});
