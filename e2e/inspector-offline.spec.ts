/**
 * The inspector's day, for real: sign in online, then the network is cut AND the server is
 * stopped; the app reloads from its service worker, the whole station checklist is completed
 * with deductions and three photos, the page is reloaded halfway and everything is still
 * there, and the submission leaves exactly the right entries in the outbox.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { ChecklistPage } from './pages/checklist.page';
import { SignInPage } from './pages/sign-in.page';
import { storedRows, untilStored } from './fixtures/indexeddb';
import { ApiSeeder, FieldSeeder } from './fixtures/seed';
import { expect, test } from './fixtures/server';

const PHOTOS = path.join(import.meta.dirname, 'fixtures', 'photos');
const PHOTO = path.join(PHOTOS, 'ordinary-640x480.jpg');
const PHOTO_12MP = path.join(PHOTOS, 'exif6-4000x3000.jpg');
const STATION_ITEMS = 20;

test.use({ bypassCSP: true }); // only so that axe-core can be injected for the accessibility scan

interface OutboxRow {
  kind: string;
  key: string;
  groupId: string;
  state: string;
  payload: unknown;
  /** A thumbnail's entry: the photo it is the thumbnail of. */
  thumbnailOf?: string;
}

/** The app's outbox, as stored. */
const readOutbox = (page: Page) => storedRows<OutboxRow>(page, 'outbox');

async function axeSeriousViolations(page: Page): Promise<string[]> {
  const require = createRequire(import.meta.url);
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: () => Promise<{
            violations: { id: string; impact: string; nodes: { target: unknown; failureSummary?: string }[] }[];
          }>;
        };
      }
    ).axe;
    const { violations } = await axe.run();
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id}: ${v.nodes.map((node) => `${JSON.stringify(node.target)} ${node.failureSummary ?? ''}`).join(' | ')}`,
      );
  });
}

test('an inspector completes a station offline, reloads halfway, and submits into the outbox', async ({
  page,
  context,
  server,
}) => {
  const seed = new ApiSeeder(server.url);
  await seed.signInAdmin();
  const inspector = await seed.user('zhang.wei', 'inspector', '张伟');
  const { roundId, siteName } = await seed.stationRound(inspector.id);
  // A colleague shares 光明路 and has inspected it already: this phone must say so.
  const colleague = await seed.user('li.ming', 'inspector', '李明');
  await seed.call('PUT', `/api/rounds/${roundId}/assignments`, [{ siteId: 'XH-S-002', userId: colleague.id }]);
  const field = new FieldSeeder(server.url, seed);
  await field.inspect({
    token: await field.signIn(colleague.username, colleague.password),
    roundId,
    siteId: 'XH-S-002',
    type: 'station',
    findings: {},
    submittedAt: '2021-07-20T02:00:00.000Z',
  });

  // Online once: sign in; the bootstrap and the app shell are kept for offline use.
  await page.goto('/');
  await new SignInPage(page).signIn(inspector.username, inspector.password);
  await expect(page.getByRole('heading', { name: '我的点位' })).toBeVisible();
  // On every field screen the header keeps to one row on a phone (it took three: 160 px at 360 px wide).
  expect((await page.locator('.app-header').boundingBox())!.height).toBeLessThanOrEqual(64);
  const shared = page.getByRole('link', { name: /光明路社区新时代文明实践站/ });
  await expect(shared).toContainText('李明 于 2021\u201107\u201120 提交 · 100 分'); // the date's hyphens do not break
  await expect(shared).toContainText('已测评');
  await expect(page.getByRole('link', { name: /曙光街社区新时代文明实践站/ })).toContainText('未开始');
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });

  // Offline for real: no network, no server.
  await server.stop();
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: '我的点位' })).toBeVisible();
  await expect(page.getByText('新华区')).toBeVisible();
  await page.getByRole('searchbox').fill('曙光');
  await page.getByRole('link', { name: new RegExp(siteName) }).click();
  await expect(page.getByRole('heading', { name: siteName })).toBeVisible();

  const checklist = new ChecklistPage(page);
  await expect(checklist.unanswered()).toHaveText(`未评 ${STATION_ITEMS} 项`);
  // First half: grades, a counted item with a deduction and its photo, a note.
  for (const itemId of ['T01', 'T02', 'T03', 'T04', 'T05', 'T06', 'T07', 'T08', 'T09'])
    await checklist.grade(itemId, 'A');
  await checklist.count('T18', 2); // two dusty rooms → C
  await checklist.photo('T18', PHOTO);
  await checklist.note('T18', '二楼活动室桌面积尘');
  await expect(checklist.score()).toHaveText('95.31 分'); // T18: 7 points at C loses 4.69

  await untilStored(page, 'inspections', '二楼活动室桌面积尘');
  await page.reload();
  await expect(checklist.item('T18').getByRole('radio', { name: /^C\s/ })).toHaveAttribute('aria-checked', 'true');
  await expect(checklist.item('T18').getByRole('spinbutton')).toHaveValue('2');
  await expect(checklist.item('T18').getByLabel('备注')).toHaveValue('二楼活动室桌面积尘');
  await expect(checklist.item('T18').locator('.photo-strip__thumb img')).toHaveCount(1);
  await expect(checklist.item('T09').getByRole('radio', { name: /^A\s/ })).toHaveAttribute('aria-checked', 'true');
  await expect(checklist.unanswered()).toHaveText(`未评 ${STATION_ITEMS - 10} 项`);

  // Second half: a posters deduction with two photos, the rest A.
  await checklist.grade('T16', 'C#');
  await checklist.photo('T16', PHOTO);
  await checklist.photo('T16', PHOTO_12MP);
  for (const itemId of ['T10', 'T11', 'T12', 'T13', 'T14', 'T15', 'T17', 'T19', 'T20'])
    await checklist.grade(itemId, 'A');
  await expect(checklist.unanswered()).toHaveText('全部已评');
  await expect(checklist.score()).toHaveText('88.31 分');

  expect(await axeSeriousViolations(page)).toEqual([]);

  await checklist.submit();
  await expect(page.getByText('已提交（第 1 版），联网后将自动上传。')).toBeVisible();

  const outbox = await readOutbox(page);
  const photos = outbox.filter((entry) => entry.kind === 'photo' && !entry.thumbnailOf);
  const thumbnails = outbox.filter((entry) => entry.kind === 'photo' && entry.thumbnailOf);
  const inspections = outbox.filter((entry) => entry.kind === 'inspection');
  expect(photos).toHaveLength(3);
  expect(thumbnails).toHaveLength(3); // uploaded too, for the office to draw
  expect(inspections).toHaveLength(1);
  expect(outbox.every((entry) => entry.state === 'pending' && entry.groupId === inspections[0]!.groupId)).toBe(true);
  const payload = inspections[0]!.payload as {
    revision: number;
    answers: { itemId: string; grade: string; photos: string[] }[];
    thumbnails: Record<string, string>;
  };
  expect(payload.thumbnails).toEqual(Object.fromEntries(thumbnails.map((entry) => [entry.thumbnailOf, entry.key])));
  expect(payload.revision).toBe(1);
  expect(payload.answers).toHaveLength(STATION_ITEMS);
  const referenced = payload.answers.flatMap((answer) => answer.photos);
  expect(new Set(referenced)).toEqual(new Set(photos.map((entry) => entry.key)));
  expect(payload.answers.find((answer) => answer.itemId === 'T16')).toMatchObject({ grade: 'C#' });
  await expect(page.getByTestId('sync-badge')).toHaveText('待同步 1');
  // The sync page says which site waits, and why it has not gone yet.
  await page.getByTestId('sync-badge').click();
  await expect(page.getByTestId('sync-group')).toContainText('测评 第 1 版 · 曙光街社区新时代文明实践站');
  await expect(page.getByTestId('sync-group')).toContainText('照片 0/3');
  await page.goBack();

  // The network returns: the outbox drains by itself, and the server holds the inspection once.
  await server.start();
  await context.setOffline(false);
  await expect(page.getByTestId('sync-badge')).toHaveText('已全部同步', { timeout: 30_000 });
  await expect(page.getByText('已同步到服务器（第 1 版）。')).toBeVisible();
  expect((await readOutbox(page)).every((entry) => entry.state === 'done')).toBe(true);
  const stored = (await seed.call('GET', `/api/inspections?roundId=R2021-07`)) as {
    id: string;
    siteId: string;
    score: number;
    revision: number;
  }[];
  expect(stored.filter((inspection) => inspection.siteId === 'XH-S-001')).toEqual([
    expect.objectContaining({ id: inspections[0]!.groupId, revision: 1, score: 88.31, fullMarks: false }),
  ]);
  expect(stored).toHaveLength(2); // and the colleague's of 光明路
});
