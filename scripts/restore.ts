/**
 * `npm run restore -- FILE`: fills an empty DATA_DIR from a backup made by `npm run backup`,
 * checking every photo's hash. With PostgreSQL, restore the database with `pg_restore` first
 * (the README's operations section). See src/server/storage/backup.ts.
 */
import { resolve } from 'node:path';
import { readConfig } from '../src/server/config';
import { restore } from '../src/server/storage/backup';

const file = process.argv[2];
if (!file) {
  console.error('用法 (usage): npm run restore -- 备份文件.tar.gz');
  process.exit(2);
}
const config = readConfig();
restore(resolve(file), config.dataDir, (line) => console.log(line)).then(
  (manifest) =>
    console.log(`恢复完成 (restored) into ${config.dataDir}: ${manifest.photos.length} 张照片, ${manifest.createdAt}`),
  (error: unknown) => {
    console.error(`恢复失败 (restore failed): ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
