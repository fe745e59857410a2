/**
 * Backup and restore of a server's data, taken while it runs (`npm run backup -- FILE`,
 * `npm run restore -- FILE`). A backup is a gzipped tar that `tar` can read:
 *
 *   manifest.json            what it holds: format, engine, when, each photo's hash and size
 *   civic-inspect.sqlite     SQLite only: a consistent snapshot by SQLite's online backup
 *   photos/ab/cd/<sha256>    every photo the snapshot can name
 *
 * Order matters: the database first, then the photos. A photo's row is committed only once its
 * file is durable, so every photo the snapshot names is on disk before the photos are copied;
 * photos that arrive meanwhile are copied too, harmlessly. Every photo's bytes are hashed on the
 * way in and again on restore: a backup never silently carries a damaged photo.
 *
 * With PostgreSQL the database is backed up by `pg_dump` (the README's operations section);
 * this backup then holds the photos and the manifest only.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, copyFile, link, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import { SQLITE_FILE } from './database';
import { PHOTO_DIR_MODE, PHOTO_FILE_MODE } from './photo-store';

const run = promisify(execFile);
const FORMAT = 'civic-inspect-backup';
const SHA256_HEX = /^[0-9a-f]{64}$/;

export interface BackupManifest {
  format: typeof FORMAT;
  version: 1;
  engine: 'sqlite' | 'postgres';
  createdAt: string;
  photos: { sha256: string; bytes: number }[];
}

export interface BackupSource {
  dataDir: string;
  databaseUrl?: string | undefined;
}

/** What a long step reports: a line per stage and a count as photos go. */
export type Progress = (message: string) => void;

export async function backup(
  source: BackupSource,
  file: string,
  progress: Progress = () => {},
): Promise<BackupManifest> {
  const staging = await mkdtemp(join(tmpdir(), 'civic-backup-'));
  try {
    const engine = source.databaseUrl ? 'postgres' : 'sqlite';
    if (engine === 'sqlite') {
      progress('数据库快照 (database snapshot)…');
      const live = new SqliteDatabase(join(source.dataDir, SQLITE_FILE), { fileMustExist: true });
      try {
        await live.backup(join(staging, SQLITE_FILE));
      } finally {
        live.close();
      }
    }
    const photos = await copyPhotos(join(source.dataDir, 'photos'), join(staging, 'photos'), progress);
    const manifest: BackupManifest = {
      format: FORMAT,
      version: 1,
      engine,
      createdAt: new Date().toISOString(),
      photos,
    };
    await writeFile(join(staging, 'manifest.json'), JSON.stringify(manifest, null, 1));
    progress('打包 (writing the archive)…');
    await mkdir(dirname(file), { recursive: true });
    await run('tar', ['-czf', file, '-C', staging, '.']);
    await chmod(file, 0o600);
    return manifest;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Fills an empty (or absent) data folder from a backup; refuses one that holds anything. */
export async function restore(file: string, dataDir: string, progress: Progress = () => {}): Promise<BackupManifest> {
  const existing = await readdir(dataDir).catch(() => []);
  if (existing.length > 0) {
    throw new Error(`DATA_DIR=${dataDir} 不是空目录：恢复只写入空目录 (restore fills an empty DATA_DIR only)`);
  }
  await mkdir(dataDir, { recursive: true, mode: PHOTO_DIR_MODE });
  progress('解包 (extracting)…');
  await run('tar', ['-xzf', file, '-C', dataDir, '--no-same-owner']);
  const manifest = JSON.parse(await readFile(join(dataDir, 'manifest.json'), 'utf8')) as BackupManifest;
  if (manifest.format !== FORMAT || manifest.version !== 1)
    throw new Error(`${file} 不是 civic-inspect 备份 (not a backup)`);
  await rm(join(dataDir, 'manifest.json'));
  let checked = 0;
  for (const photo of manifest.photos) {
    const path = photoPath(join(dataDir, 'photos'), photo.sha256);
    if ((await sha256Of(path)) !== photo.sha256) throw new Error(`照片 ${photo.sha256} 已损坏 (photo damaged)`);
    await chmod(path, PHOTO_FILE_MODE);
    if (++checked % 500 === 0) progress(`已校验 ${checked}/${manifest.photos.length} 张照片`);
  }
  await chmod(dataDir, PHOTO_DIR_MODE);
  if (manifest.engine === 'sqlite') await chmod(join(dataDir, SQLITE_FILE), 0o600);
  return manifest;
}

/** Links (or copies, across file systems) every stored photo, hashing each; temp files stay behind. */
async function copyPhotos(from: string, to: string, progress: Progress): Promise<BackupManifest['photos']> {
  const names = await photoFiles(from);
  const photos: BackupManifest['photos'] = [];
  for (const sha256 of names) {
    const source = photoPath(from, sha256);
    if ((await sha256Of(source)) !== sha256)
      throw new Error(`照片 ${sha256} 与其指纹不符 (photo does not match its hash)`);
    const target = photoPath(to, sha256);
    await mkdir(dirname(target), { recursive: true });
    await link(source, target).catch(() => copyFile(source, target));
    photos.push({ sha256, bytes: (await stat(source)).size });
    if (photos.length % 500 === 0) progress(`已复制 ${photos.length}/${names.length} 张照片`);
  }
  progress(`照片 ${photos.length} 张 (photos)`);
  return photos;
}

async function photoFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter(
      (entry) => entry.isFile() && SHA256_HEX.test(entry.name) && !relative(root, entry.parentPath).startsWith('tmp'),
    )
    .map((entry) => entry.name)
    .sort();
}

const photoPath = (root: string, sha256: string) => join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);

function sha256Of(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}
