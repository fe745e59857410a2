/**
 * Backup while the server runs, restore into an empty folder: every row of every table and every
 * photo's bytes come back; a damaged photo or a non-empty folder is refused. SQLite (the
 * embedded default, where the backup holds the database); with PostgreSQL the database is
 * pg_dump's, so the photos are what this backup carries there too.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countRows,
  expectStatus,
  jpeg,
  site,
  startServer,
  Fixtures,
  projectRubrics,
  tableNames,
  type RunningServer,
} from '../test-support/api-harness';
import { backup, restore } from './backup';
import { openDatabase } from './database';

describe('backup and restore (SQLite)', () => {
  let dir: string;
  let server: RunningServer;
  const file = () => join(dir, 'backup.tar.gz');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'civic-backup-test-'));
    server = await startServer({ dataDir: join(dir, 'live') });
    const fx = new Fixtures(server.api, await projectRubrics());
    const team = await fx.team();
    const round = await fx.setUpRound(team.supervisor.token, {
      sites: [site('station', 'b-1'), site('station', 'b-2')],
      assignees: [team.inspector],
    });
    for (const siteId of ['b-1', 'b-2']) {
      const inspection = await fx.submitInspection(team.inspector.token, {
        roundId: round.id,
        siteId,
        type: 'station',
        grades: { T16: 'C#', T18: 'C#' },
      });
      expectStatus(inspection.response, 201, siteId);
    }
    await fx.uploadPhotos(team.inspector.token, [jpeg({ bytes: 300_000 })]);
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('restores every row and every photo of a backup taken while the server runs', async () => {
    const lines: string[] = [];
    const manifest = await backup({ dataDir: server.dataDir }, file(), (line) => lines.push(line));
    expect(manifest.engine).toBe('sqlite');
    expect(manifest.photos.length).toBe((await countRows(server.ctx)).photos);
    expect(lines.at(-1)).toMatch(/打包/);
    expect((await stat(file())).mode & 0o777).toBe(0o600);

    const restoredDir = join(dir, 'restored');
    await restore(file(), restoredDir);
    const restored = await openDatabase({ dataDir: restoredDir });
    try {
      for (const table of await tableNames(server.ctx.db)) {
        const rows = (db: typeof restored.db) =>
          db
            .selectFrom(table as 'users')
            .selectAll()
            .execute()
            .then((list) => list.map((row) => JSON.stringify(row)).sort());
        expect(await rows(restored.db), table).toEqual(await rows(server.ctx.db));
      }
    } finally {
      await restored.close();
    }
    expect(await photoHashes(restoredDir)).toEqual(await photoHashes(server.dataDir));
    expect((await stat(restoredDir)).mode & 0o777).toBe(0o700);
  });

  it('refuses to restore into a folder that holds anything', async () => {
    const busy = join(dir, 'busy');
    await restore(file(), busy);
    await expect(restore(file(), busy)).rejects.toThrow(/不是空目录/);
  });

  it('refuses a damaged photo, naming it: in a backup being restored, and in a folder being backed up', async () => {
    // Damage one photo inside the archive.
    const unpacked = join(dir, 'unpacked');
    await mkdir(unpacked);
    execFileSync('tar', ['-xzf', file(), '-C', unpacked]);
    const [first] = await photoHashes(unpacked);
    await flipOneByte(join(unpacked, 'photos', first!.slice(0, 2), first!.slice(2, 4), first!));
    const tampered = join(dir, 'tampered.tar.gz');
    execFileSync('tar', ['-czf', tampered, '-C', unpacked, '.']);
    await expect(restore(tampered, join(dir, 'from-tampered'))).rejects.toThrow(first!);

    // A photo damaged on the server's disk is refused when backing up, not carried along.
    const damaged = join(dir, 'damaged');
    await restore(file(), damaged);
    await flipOneByte(join(damaged, 'photos', first!.slice(0, 2), first!.slice(2, 4), first!));
    await expect(backup({ dataDir: damaged }, join(dir, 'again.tar.gz'))).rejects.toThrow(first!);
  });
});

async function flipOneByte(path: string): Promise<void> {
  const bytes = await readFile(path);
  bytes.writeUInt8(bytes.readUInt8(bytes.length - 3) ^ 0xff, bytes.length - 3);
  await writeFile(path, bytes);
}

/** The hash of every photo file under `${dataDir}/photos` (temp files aside), verified against its name. */
async function photoHashes(dataDir: string): Promise<string[]> {
  const root = join(dataDir, 'photos');
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const hashes: string[] = [];
  for (const entry of entries.filter((e) => e.isFile() && /^[0-9a-f]{64}$/.test(e.name))) {
    const actual = createHash('sha256')
      .update(await readFile(join(entry.parentPath, entry.name)))
      .digest('hex');
    expect(actual).toBe(entry.name);
    hashes.push(actual);
  }
  return hashes.sort();
}
