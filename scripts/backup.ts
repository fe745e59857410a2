/**
 * `npm run backup -- FILE`: a consistent backup of the configured server's data (DATA_DIR, and
 * DATABASE_URL's engine) while it runs — SQLite's online snapshot and every photo, verified —
 * into FILE (a .tar.gz). With PostgreSQL, FILE holds the photos; run `pg_dump` for the database
 * (the README's operations section). See src/server/storage/backup.ts.
 */
import { resolve } from 'node:path';
import { readConfig } from '../src/server/config';
import { backup } from '../src/server/storage/backup';

const file = process.argv[2];
if (!file) {
  console.error('用法 (usage): npm run backup -- 备份文件.tar.gz');
  process.exit(2);
}
const config = readConfig();
backup({ dataDir: config.dataDir, databaseUrl: config.databaseUrl }, resolve(file), (line) => console.log(line)).then(
  (manifest) => {
    console.log(`备份完成 (backup written): ${resolve(file)} — ${manifest.photos.length} 张照片`);
    if (config.s3)
      console.log(
        `照片在 S3 存储桶 s3://${config.s3.bucket}/${config.s3.prefix} 中，不在此备份内：请用存储服务自己的备份 (photos are in the bucket, not in this file: back the bucket up with its own tools; see README)`,
      );
    if (manifest.engine === 'postgres')
      console.log('PostgreSQL 的数据请另用 pg_dump 备份 (back the database up with pg_dump; see README)');
  },
  (error: unknown) => {
    console.error(`备份失败 (backup failed): ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
