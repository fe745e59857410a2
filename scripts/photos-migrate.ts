/**
 * `npm run photos:migrate -- FROM TO` (`disk` or `database`): copies every photo the TO store
 * lacks from the FROM store of the configured server (DATA_DIR, DATABASE_URL), verifying each
 * hash; run it again after an interruption and it carries on. Then set PHOTO_STORE=TO.
 * See src/server/storage/photo-migration.ts.
 */
import { readConfig } from '../src/server/config';
import { openDatabase } from '../src/server/storage/database';
import { migratePhotos, openPhotoStore } from '../src/server/storage/photo-migration';
import type { PhotoStoreKind } from '../src/server/storage/photo-store';

const KINDS: readonly string[] = ['disk', 'database'];
const [from, to] = process.argv.slice(2);
if (!from || !to || !KINDS.includes(from) || !KINDS.includes(to) || from === to) {
  console.error('用法 (usage): npm run photos:migrate -- disk database   (或 database disk)');
  process.exit(2);
}

const config = readConfig();
const storage = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
try {
  const started = Date.now();
  const report = await migratePhotos(
    openPhotoStore(from as PhotoStoreKind, config.dataDir, storage.db),
    openPhotoStore(to as PhotoStoreKind, config.dataDir, storage.db),
    (done, copied) => console.log(`已处理 ${done} 张，复制 ${copied} 张 (done ${done}, copied ${copied})`),
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `完成 (done) in ${seconds} s: 复制 ${report.copied} 张，已有 ${report.skipped} 张。请设置 PHOTO_STORE=${to}`,
  );
} catch (error) {
  console.error(
    `迁移中断 (migration stopped): ${error instanceof Error ? error.message : String(error)}；再次运行将从中断处继续`,
  );
  process.exitCode = 1;
} finally {
  await storage.close();
}
