/**
 * The sync promise, end to end: whatever the inspector submitted reaches the server exactly
 * once, whatever the network does. Real server, real app, and between them the fault proxy
 * (e2e/fixtures/fault-proxy.ts): the app is loaded from the proxy's origin, so every /api call
 * of the app goes through it.
 *
 * An inspector with 20 stations completes all 20 through the real checklist — three items
 * graded below A with one photo each, "未评项全部评 A" (a confirm dialog), submit — while the
 * proxy drops, delays, truncates and fails sync requests (500/503, answers lost after the server
 * committed) from a seeded PRNG. Six times the page is reloaded or closed (and a new page opened
 * in the same context) while a sync request is held in flight: three reloads, three closes, half
 * of them after the server committed. Then the faults stop, the inspector taps "立即同步", and
 * the queue drains.
 *
 * Then: the server holds exactly those 20 inspections (each id once, revision 1) and 60 photos
 * (each one readable, its bytes hashing to its name; exactly 60 files in its photo folder and no
 * temp file left over), and the outbox in IndexedDB has nothing pending or needing attention.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { FaultProxy } from './fixtures/fault-proxy';
import { ADMIN, ApiSeeder } from './fixtures/seed';
import { expect, test as base } from './fixtures/server';
import { readLocalState, readServerHoldings } from './fixtures/sync-check';
import { faultReport, holdNextSyncRequest, SYNC_PUT, syncFaultRules } from './fixtures/sync-faults';
import { seedStations, type SeededStation } from './fixtures/sync-seed';
import { ChecklistPage } from './pages/checklist.page';
import { SignInPage } from './pages/sign-in.page';

const PHOTOS = path.join(import.meta.dirname, 'fixtures', 'photos');
const PHOTO = path.join(PHOTOS, 'ordinary-640x480.jpg');
const PHOTO_12MP = path.join(PHOTOS, 'exif6-4000x3000.jpg');
const STATIONS = 20;
const FAULT_SEED = 20_210_715;
/** Items graded below A, each with one photo (every grade allowed by the 2021 station rubric). */
const DEDUCTIONS = [
  { itemId: 'T01', grade: 'C#', photo: PHOTO },
  { itemId: 'T03', grade: 'B', photo: PHOTO_12MP },
  { itemId: 'T05', grade: 'C', photo: PHOTO },
] as const;
/** After these stations' submits the page goes away mid-request (reload or close). */
const INTERRUPTIONS = new Map<number, 'reload' | 'close'>([
  [3, 'reload'],
  [6, 'close'],
  [10, 'reload'],
  [13, 'close'],
  [17, 'reload'],
  [20, 'close'],
]);

/** The app served through the fault proxy: its origin is the page's base URL. */
const test = base.extend<{ faultProxy: FaultProxy }>({
  faultProxy: async ({ server }, use, testInfo) => {
    const proxy = await FaultProxy.start({ target: server.url, seed: FAULT_SEED });
    await use(proxy);
    await proxy.close();
    if (testInfo.status !== testInfo.expectedStatus) {
      await testInfo.attach('fault-proxy-log.json', {
        body: JSON.stringify(proxy.log, null, 1),
        contentType: 'application/json',
      });
      await testInfo.attach('server-log.txt', { body: server.log(), contentType: 'text/plain' });
    }
  },
  baseURL: async ({ faultProxy }, use) => {
    await use(faultProxy.url);
  },
});

test.setTimeout(180_000);

test('20 inspections with 60 photos reach the server exactly once through drops, cuts, 5xx, reloads and closed tabs', async ({
  context,
  page: firstPage,
  server,
  faultProxy: proxy,
}) => {
  const started = Date.now();
  const seed = new ApiSeeder(server.url);
  await seed.signInAdmin();
  const { token: adminToken } = (await seed.call('POST', '/api/session', ADMIN)) as { token: string };
  const inspector = await seed.user('sync.inspector', 'inspector', '同步测评员');
  const { roundId, stations } = await seedStations(seed, inspector.id, STATIONS);

  // Every sync request carries the token (a launch once sent one without: 401, signed out).
  const withoutToken: string[] = [];
  context.on('request', (request) => {
    if (request.method() !== 'PUT' || !SYNC_PUT.test(new URL(request.url()).pathname)) return;
    if (!request.headers().authorization) withoutToken.push(request.url());
  });

  let page = await prepare(firstPage);
  await page.goto('/');
  await new SignInPage(page).signIn(inspector.username, inspector.password);
  await expect(page.getByRole('heading', { name: '我的点位' })).toBeVisible();

  // From here on, sync requests meet the faults.
  const faults = syncFaultRules();
  proxy.setRules(faults);

  for (const [index, station] of stations.entries()) {
    const n = index + 1;
    const interruption = INTERRUPTIONS.get(n);
    const name = `hold #${n} (${interruption})`;
    // Hold the next sync request (before the server, or after it committed) and leave meanwhile.
    // The rule goes in before the submit: the station's uploads may all be done a moment after it.
    await inspectStation(page, station, () => {
      if (interruption) proxy.setRules([holdNextSyncRequest(name, n % 2 === 0), ...faults]);
    });
    if (!interruption) continue;
    await expect.poll(() => proxy.log.some((record) => record.rule === name), { timeout: 30_000 }).toBe(true);
    if (interruption === 'reload') {
      await page.reload();
      await expect(page.getByRole('heading', { name: station.name })).toBeVisible();
    } else {
      await page.close();
      page = await prepare(await context.newPage());
      await page.goto('/');
      await expect(page.getByRole('heading', { name: '我的点位' })).toBeVisible();
    }
    proxy.setRules(faults);
  }
  const faultsDone = Date.now();
  const leftWhenHealed = (await readLocalState(page)).outbox.filter((entry) => entry.state !== 'done').length;

  // The network heals; the inspector taps "立即同步" (the backoff starts over) and waits.
  proxy.clearRules();
  await page.getByTestId('sync-badge').click();
  const syncNow = page.getByRole('button', { name: '立即同步' });
  await expect(syncNow).toBeEnabled({ timeout: 30_000 });
  await syncNow.click();
  await expect(page.getByTestId('sync-badge')).toHaveText('已全部同步', { timeout: 60_000 });
  await expect(page.getByText('没有待上传的内容。')).toBeVisible();
  const drained = Date.now();

  // The device: nothing pending, nothing needing attention, every inspection synced.
  const local = await readLocalState(page);
  const inspectionEntries = local.outbox.filter((entry) => entry.kind === 'inspection');
  const photoEntries = local.outbox.filter((entry) => entry.kind === 'photo' && !entry.thumbnailOf);
  const thumbnailEntries = local.outbox.filter((entry) => entry.kind === 'photo' && entry.thumbnailOf);
  expect(local.outbox.filter((entry) => entry.state !== 'done')).toEqual([]);
  expect(inspectionEntries).toHaveLength(STATIONS);
  expect(photoEntries).toHaveLength(STATIONS * DEDUCTIONS.length);
  expect(thumbnailEntries).toHaveLength(STATIONS * DEDUCTIONS.length); // each photo's, for the office
  expect(local.inspections).toHaveLength(STATIONS);
  expect(local.inspections.every((inspection) => inspection.status === 'synced')).toBe(true);
  const localIds = inspectionEntries.map((entry) => entry.groupId).sort();
  const localHashes = photoEntries.map((entry) => entry.key).sort();
  const localThumbnails: Record<string, string> = Object.fromEntries(
    thumbnailEntries.map((entry) => [entry.thumbnailOf!, entry.key] as const),
  );
  expect(new Set(localHashes).size).toBe(STATIONS * DEDUCTIONS.length); // the watermark makes each photo distinct

  // The server: exactly those 20 inspections, once each, and exactly those 60 photos, intact.
  const held = await readServerHoldings(seed, server.url, adminToken, roundId, server.dataDir);
  expect(held.rows).toHaveLength(STATIONS);
  expect(held.rows.map((row) => row.id).sort()).toEqual(localIds);
  expect(held.rows.every((row) => row.revision === 1)).toBe(true);
  expect(new Set(held.rows.map((row) => row.siteId))).toEqual(new Set(stations.map((station) => station.id)));
  for (const inspection of held.inspections) {
    const belowA = inspection.answers.filter((answer) => answer.grade !== 'A');
    expect(belowA.map(({ itemId, grade }) => ({ itemId, grade }))).toEqual(
      DEDUCTIONS.map(({ itemId, grade }) => ({ itemId, grade })),
    );
    expect(belowA.every((answer) => answer.photos.length === 1)).toBe(true);
    const photos = belowA.flatMap((answer) => answer.photos);
    expect(inspection.thumbnails).toEqual(Object.fromEntries(photos.map((sha) => [sha, localThumbnails[sha]])));
  }
  expect(held.photos.map((photo) => photo.sha256).sort()).toEqual(localHashes);
  for (const photo of held.photos) {
    expect(photo.status, `GET /api/photos/${photo.sha256}`).toBe(200);
    expect(photo.bodySha256, `bytes of ${photo.sha256}`).toBe(photo.sha256);
  }
  expect(held.photoFiles.sort()).toEqual([...localHashes, ...Object.values(localThumbnails)].sort());
  expect(held.tempFiles).toEqual([]);

  expect(withoutToken).toEqual([]);
  expect(proxy.log.filter((record) => record.upstreamStatus === 401)).toEqual([]);
  await expect(page.getByRole('button', { name: '登录', exact: true })).toHaveCount(0);

  // What the network did to it.
  const report = faultReport(proxy);
  const faulted = proxy.log.filter((record) => record.rule && record.rule !== 'passed').length;
  const summary =
    `${report}\nfaulted sync requests ${faulted}; stations done after ${((faultsDone - started) / 1000).toFixed(1)} s, ` +
    `${leftWhenHealed} outbox entries left when the faults stopped, drained ${((drained - faultsDone) / 1000).toFixed(1)} s later; photos ${held.photos.length}, ` +
    `${(held.photos.reduce((sum, photo) => sum + photo.bytes, 0) / 1e6).toFixed(2)} MB`;
  console.log(summary);
  test.info().annotations.push({ type: 'faults', description: summary });
  // Answers lost after the server committed came back as duplicates (200), never as second copies.
  const duplicates = proxy.log.filter((record) => SYNC_PUT.test(record.path) && record.upstreamStatus === 200);
  expect(duplicates.length).toBeGreaterThanOrEqual(3);
  // The schedule must really have hit every kind of fault.
  for (const kind of ['drop', 'status', 'cut-after-commit', 'truncate', 'delay', 'delay-response'] as const)
    expect(proxy.counters[kind], kind).toBeGreaterThan(0);
});

/** Every page of the test accepts the "grade the rest A" confirmation. */
async function prepare(page: Page): Promise<Page> {
  page.on('dialog', (dialog) => {
    expect(dialog.type()).toBe('confirm');
    expect(dialog.message()).toContain('全部评为 A');
    void dialog.accept();
  });
  return page;
}

/** From the site list: open the station, grade three items below A with a photo each, the rest A, submit. */
async function inspectStation(page: Page, station: SeededStation, beforeSubmit: () => void): Promise<void> {
  const back = page.getByRole('link', { name: '← 返回' });
  if (await back.isVisible()) await back.click();
  await page.getByRole('link', { name: new RegExp(station.name) }).click();
  await expect(page.getByRole('heading', { name: station.name })).toBeVisible();
  const checklist = new ChecklistPage(page);
  for (const { itemId, grade, photo } of DEDUCTIONS) {
    await checklist.grade(itemId, grade);
    await checklist.photo(itemId, photo);
  }
  await page.getByRole('button', { name: '未评项全部评 A' }).click();
  await expect(checklist.unanswered()).toHaveText('全部已评');
  beforeSubmit();
  await checklist.submit();
  await expect(page.getByRole('status').filter({ hasText: /已(提交|同步到服务器)（第 1 版）/ })).toBeVisible();
}
