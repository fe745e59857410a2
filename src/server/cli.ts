/**
 * `npm start`: read the configuration, build the app if needed, load and validate the rubric,
 * open the database (migrating it) and the photo store, create the first admin on a fresh
 * database, and serve app and API from one process. Start-up problems end the process with
 * one clear line; SIGTERM and SIGINT let in-flight requests finish, then close the database.
 */
import { buildApp } from './app';
import { ensureAppBuild } from './app-build';
import { loadLinkSecret } from './auth/link-secret';
import { ensureAdmin } from './auth/users';
import { PROJECT_ROOT, readConfig, serverUrl } from './config';
import type { ServerContext } from './context';
import { loadRubrics } from './rubric-store';
import { openDatabase } from './storage/database';
import { openPhotoStore, photosLeftBehind } from './storage/photo-migration';

async function main(): Promise<void> {
  const config = readConfig();
  // Before any work: a cluster without a shared link secret must not start at all.
  const unitLinkSecret = loadLinkSecret(config.dataDir, process.env.UNIT_LINK_SECRET, config.databaseUrl);
  if (process.env.CIVIC_SKIP_BUILD !== '1')
    await ensureAppBuild(PROJECT_ROOT, config.distDir, (line) => console.log(line));
  const rubrics = await loadRubrics(config.rubricDir);
  const storage = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const photos = openPhotoStore(config.photoStore, config.dataDir, storage.db, config.s3 && { location: config.s3 });
  if (config.photoStoreDefaulted) {
    const other = openPhotoStore(config.photoStore === 'disk' ? 'database' : 'disk', config.dataDir, storage.db);
    if (await photosLeftBehind(photos, other)) {
      await storage.close();
      throw new Error(
        `照片在 ${other.kind} 中，而默认的照片存储是 ${photos.kind}：请先运行 npm run photos:migrate -- ${other.kind} ${photos.kind}，` +
          `或设置 PHOTO_STORE=${other.kind} (photos are in the ${other.kind} store: migrate them, or set PHOTO_STORE)`,
      );
    }
  }
  await photos.sweepTempFiles();
  const ctx: ServerContext = {
    db: storage.db,
    engine: storage.engine,
    photos,
    rubrics,
    now: () => new Date(),
    ...(config.publicUrl && { publicUrl: config.publicUrl }),
    unitLinkSecret,
  };

  const admin = await ensureAdmin(storage.db, config.adminPassword, ctx.now());
  if (admin?.generated) {
    console.log(`已创建管理员账号 admin，初始密码（只显示这一次，首次登录时必须修改）: ${admin.password}`);
    console.log(
      `Created user "admin" with the password above (shown once): it must be changed at the first sign-in, ` +
        `so a copy left in this log opens nothing afterwards.`,
    );
  } else if (admin) {
    console.log('已创建管理员账号 admin（密码取自 ADMIN_PASSWORD）');
  }

  const app = await buildApp({
    ctx,
    distDir: config.distDir,
    trustProxy: config.trustProxy,
    metricsAccess: config.metrics,
    ...(config.tls && { tls: config.tls }),
  });
  app.addHook('onClose', async () => storage.close());
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new Error(`端口 ${config.port} 已被占用 (port in use): 请关闭占用它的程序，或设置 PORT 换一个端口`, {
        cause: error,
      });
    if (code === 'EACCES')
      throw new Error(`没有权限监听端口 ${config.port} (permission denied): 请使用 1024 以上的端口`, { cause: error });
    if (code === 'EADDRNOTAVAIL')
      throw new Error(`HOST=${config.host} 不是本机地址 (address not available)`, { cause: error });
    throw error;
  }
  const where = config.s3 ? ` s3://${config.s3.bucket}/${config.s3.prefix}` : '';
  console.log(`civic-inspect 已启动 (${storage.engine}, photos: ${photos.kind}${where}): ${serverUrl(config)}`);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(`启动失败 (could not start): ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
