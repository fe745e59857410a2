/**
 * `npm run photos:migrate -- FROM TO`, each `disk`, `database`, `s3://bucket/prefix` or `s3`
 * (the bucket PHOTO_STORE names): copies every photo the TO store lacks from the FROM store of
 * the configured server (DATA_DIR, DATABASE_URL; for S3, S3_ENDPOINT, AWS_REGION and the AWS
 * credentials), verifying each hash; run it again after an interruption and it carries on.
 * Then set PHOTO_STORE=TO. See src/server/storage/photo-migration.ts.
 */
import { ConfigError, readConfig, readPhotoStoreSetting, type ServerConfig } from '../src/server/config';
import { openDatabase } from '../src/server/storage/database';
import { migratePhotos, openPhotoStore } from '../src/server/storage/photo-migration';
import type { PhotoStore } from '../src/server/storage/photo-store';
import type { Kysely } from 'kysely';
import type { Database } from '../src/server/storage/schema';

const USAGE =
  '用法 (usage): npm run photos:migrate -- FROM TO，FROM/TO 为 disk、database、s3 或 s3://存储桶/前缀\n' +
  '  例 (e.g.): npm run photos:migrate -- disk database   |   npm run photos:migrate -- database s3://city-photos/civic';

const [from, to] = process.argv.slice(2);
if (!from || !to || from === to) {
  console.error(USAGE);
  process.exit(2);
}

let config: ServerConfig;
try {
  config = readConfig();
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

/** `s3` alone is the bucket of PHOTO_STORE; anything else is read as PHOTO_STORE reads it. */
function open(name: string, db: Kysely<Database>): PhotoStore {
  const setting =
    name === 's3' ? { photoStore: 's3' as const, s3: config.s3 } : readPhotoStoreSetting(name, process.env);
  if (!setting.s3 && setting.photoStore === 's3')
    throw new ConfigError(
      '“s3” 指 PHOTO_STORE 的存储桶，但 PHOTO_STORE 未设为 s3://… (set PHOTO_STORE, or name the bucket)',
    );
  return openPhotoStore(setting.photoStore, config.dataDir, db, setting.s3 && { location: setting.s3 });
}

const storage = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
try {
  const [source, target] = [open(from, storage.db), open(to, storage.db)];
  const started = Date.now();
  const report = await migratePhotos(source, target, (done, copied) =>
    console.log(`已处理 ${done} 张，复制 ${copied} 张 (done ${done}, copied ${copied})`),
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `完成 (done) in ${seconds} s: 复制 ${report.copied} 张，已有 ${report.skipped} 张。请设置 PHOTO_STORE=${to}`,
  );
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`${error.message}\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error(
      `迁移中断 (migration stopped): ${error instanceof Error ? error.message : String(error)}；再次运行将从中断处继续`,
    );
    process.exitCode = 1;
  }
} finally {
  await storage.close();
}
