/**
 * Issue #18, the review story end to end: an inspector inspects a site from two kilometres away
 * with a photo from the gallery; the office sees it flagged and returns it with a comment (one on
 * the item too); the inspector's phone shows the comment after a sync; the inspector amends
 * (revision 2); the office approves it, and only then does it count in the report. The log
 * (操作记录) shows every step and its integrity check passes — on the admin page and in
 * `npm run audit:verify` — until a row is edited behind the server's back, which the admin page
 * then names.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import type { Page } from '@playwright/test';
import { SQLITE_FILE } from '../src/server/storage/database';
import { ChecklistPage } from './pages/checklist.page';
import { OfficePage } from './pages/office.page';
import { SignInPage } from './pages/sign-in.page';
import { ADMIN, ApiSeeder } from './fixtures/seed';
import { expect, test } from './fixtures/server';

const ROOT = path.resolve(import.meta.dirname, '..');
const PHOTO = path.join(import.meta.dirname, 'fixtures', 'photos', 'ordinary-640x480.jpg');
const ROUND = { id: 'R2021-07', name: '2021年7月模拟测评' };
const SITE = { id: 'XH-S-001', name: '曙光街社区新时代文明实践站', lat: 33.7453, lng: 113.2951 };
// About 2.2 km north of the site.
const FAR = { latitude: 33.7653, longitude: 113.2951, accuracy: 30 };
const STATION_ITEMS = Array.from({ length: 20 }, (_, index) => `T${String(index + 1).padStart(2, '0')}`);
const RETURN_COMMENT = '照片不是现场拍摄，请到点位重新测评';
const ITEM_COMMENT = 'T18 请补拍现场照片';

/** A round that counts approved results only (the default for new rounds), with one station. */
async function seedRound(seed: ApiSeeder, inspectorId: string): Promise<void> {
  await seed.call('PUT', '/api/sites', [
    { id: SITE.id, name: SITE.name, type: 'station', district: '新华区', lat: SITE.lat, lng: SITE.lng },
    { id: 'XH-S-002', name: '光明路社区新时代文明实践站', type: 'station', district: '新华区' },
  ]);
  await seed.call('POST', '/api/rounds', {
    ...ROUND,
    rubricVersion: '2021',
    rectifyBelow: 90,
    rectifyDays: 15,
    startsOn: '2021-07-15',
    endsOn: '2021-07-31',
    approvedOnly: true,
  });
  await seed.call('PUT', `/api/rounds/${ROUND.id}/assignments`, [{ siteId: SITE.id, userId: inspectorId }]);
}

/** The station row of the report's by-type table: [type, sites, inspected, full marks, …]. */
async function stationRow(office: OfficePage): Promise<string[]> {
  const rows = await office.tableRows('report-by-type');
  return rows.find((row) => row[0] === '站')!;
}

async function syncPhone(page: Page): Promise<void> {
  await page.getByTestId('sync-badge').click();
  await page.getByRole('button', { name: '立即同步' }).click();
  await expect(page.getByRole('button', { name: '立即同步' })).toBeEnabled({ timeout: 20_000 });
}

test('far from the site with a gallery photo → flagged → 退回 → seen on the phone → amended → approved → counted; the log holds every step, and a tampered row is caught', async ({
  page,
  context,
  browser,
  server,
}, testInfo) => {
  test.setTimeout(90_000);
  const seed = new ApiSeeder(server.url);
  await seed.signInAdmin();
  const inspector = await seed.user('far.away', 'inspector', '王远');
  const supervisor = await seed.user('checks.all', 'supervisor', '赵核');
  await seedRound(seed, inspector.id);
  // A file written now but picked from the gallery: the phone says so, the server flags it.
  const galleryPhoto = testInfo.outputPath('gallery-photo.jpg');
  await writeFile(galleryPhoto, await readFile(PHOTO));

  // The phone, far from the site.
  await context.grantPermissions(['geolocation']);
  await context.setGeolocation(FAR);
  await page.goto('/');
  await new SignInPage(page).signIn(inspector.username, inspector.password);
  await page.getByRole('link', { name: new RegExp(SITE.name) }).click();
  await expect(page.getByText(/已定位（精度约 30 米）/)).toBeVisible({ timeout: 15_000 });
  const checklist = new ChecklistPage(page);
  for (const itemId of STATION_ITEMS) await checklist.grade(itemId, itemId === 'T18' ? 'B' : 'A');
  const item = checklist.item('T18');
  await item.locator('input[data-picker="gallery"]').setInputFiles(galleryPhoto);
  await expect(item.locator('.photo-strip__thumb img')).toHaveCount(1, { timeout: 20_000 });
  await checklist.submit();
  await expect(page.getByText('已同步到服务器（第 1 版）。')).toBeVisible({ timeout: 30_000 });
  const [stored] = (await seed.call('GET', `/api/inspections?roundId=${ROUND.id}`)) as { id: string }[];
  const inspectionId = stored!.id;

  // The office: flagged in the queue, nothing counted yet; returned with a comment.
  const desk = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const officePage = await desk.newPage();
  const office = new OfficePage(officePage);
  await office.signIn(supervisor.username, supervisor.password);
  await office.openRound(ROUND.name);
  await office.tab('统计报告').click();
  await expect(officePage.getByTestId('report-awaiting-review')).toContainText('另有 1 条结果待审核');
  expect((await stationRow(office))[2]).toBe('0');
  await office.tab('审核').click();
  const queue = officePage.getByTestId('review-list');
  await expect(queue.locator('tbody tr')).toHaveCount(1);
  await expect(queue.locator('tbody tr')).toContainText('距点位过远');
  await expect(queue.locator('tbody tr')).toContainText('相册照片');
  const panel = officePage.getByTestId('review-panel');
  await panel.getByLabel('对 T18 的审核意见').fill(ITEM_COMMENT);
  await panel.getByLabel('审核意见（退回时必填）').fill(RETURN_COMMENT);
  await panel.getByRole('button', { name: '退回', exact: true }).click();
  await expect(officePage.getByRole('status')).toContainText('已退回');
  await expect(officePage.getByText('没有符合条件的测评结果。')).toBeVisible();

  // The phone learns of it at its next sync, shows it on the list and at the site, and amends.
  await syncPhone(page);
  await page.goto('/');
  await expect(page.getByText(`已退回：${RETURN_COMMENT}`)).toBeVisible({ timeout: 15_000 });
  await page.getByRole('link', { name: new RegExp(SITE.name) }).click();
  const note = page.getByTestId('review-note');
  await expect(note).toContainText(RETURN_COMMENT);
  await expect(note).toContainText(ITEM_COMMENT);
  await expect(checklist.item('T18').getByTestId('item-review-comment')).toHaveText(`审核意见：${ITEM_COMMENT}`);
  await page.getByRole('button', { name: '修改测评（将提交第 2 版）' }).click();
  await checklist.grade('T18', 'A');
  await checklist.submit();
  await expect(page.getByText('已同步到服务器（第 2 版）。')).toBeVisible({ timeout: 30_000 });

  // The office approves revision 2, and then it counts.
  await officePage.reload();
  await expect(queue.locator('tbody tr')).toHaveCount(1, { timeout: 15_000 });
  await expect(queue.locator('tbody tr td').nth(2)).toHaveText('2');
  await panel.getByRole('button', { name: '通过', exact: true }).click();
  await expect(officePage.getByText('没有符合条件的测评结果。')).toBeVisible();
  await office.tab('统计报告').click();
  await expect(officePage.getByTestId('report')).toBeVisible();
  expect((await stationRow(office))[2]).toBe('1');
  await expect(officePage.getByTestId('report-awaiting-review')).toContainText('另有 0 条结果待审核');
  // The result's detail says who approved it, and what it rests on.
  await office.tab('测评结果').click();
  await officePage.getByRole('link', { name: SITE.name }).click();
  await expect(officePage.getByTestId('detail-review')).toContainText('赵核');
  await expect(officePage.getByTestId('detail-review')).toContainText('已通过');
  await officePage.getByRole('button', { name: '查看依据' }).click();
  const trail = officePage.getByTestId('trail');
  await expect(trail).toContainText('第 2 版 · 100 · 已通过');
  await expect(trail).toContainText('计入统计的版本');
  await expect(trail).toContainText(`审核退回：${RETURN_COMMENT}`);
  await desk.close();

  // The admin's log: every step, in order, and the chain whole.
  const adminDesk = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const adminPage = await adminDesk.newPage();
  const admin = new OfficePage(adminPage);
  await admin.signIn(ADMIN.username, ADMIN.password);
  await admin.nav('操作记录').click();
  await adminPage.getByLabel('测评编号').fill(inspectionId);
  await adminPage.getByRole('button', { name: '查询' }).click();
  const entries = await admin.tableRows('audit-entries');
  // Newest first: seq, time, actor, action, subject, detail.
  expect(entries.map((row) => [row[2], row[3]])).toEqual([
    ['赵核', '审核通过'],
    ['王远', '收到测评'],
    ['赵核', '审核退回'],
    ['王远', '收到测评'],
  ]);
  expect(entries[2]![5]).toContain(RETURN_COMMENT);
  await adminPage.getByRole('button', { name: '核验完整性' }).click();
  await expect(adminPage.getByTestId('audit-verdict')).toContainText('哈希链无断裂');
  const verify = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/audit-verify.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: server.dataDir },
  });
  expect(verify.stdout).toContain('哈希链无断裂');

  // Someone softens the return's comment in the database, behind the server's back.
  const returnSeq = Number(entries[2]![0]);
  const sqlite = new SqliteDatabase(path.join(server.dataDir, SQLITE_FILE));
  try {
    const changed = sqlite
      .prepare("update audit_log set detail_json = replace(detail_json, ?, '照片可用') where seq = ?")
      .run(RETURN_COMMENT, returnSeq);
    expect(changed.changes).toBe(1);
  } finally {
    sqlite.close();
  }
  await adminPage.getByRole('button', { name: '核验完整性' }).click();
  await expect(adminPage.getByTestId('audit-verdict')).toContainText(
    `操作记录已被篡改：第 ${returnSeq} 条的内容被改动，与其哈希不符`,
  );
  await adminDesk.close();
});
