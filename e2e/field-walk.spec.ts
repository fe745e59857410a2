/**
 * Issue #14, "Field walk": the inspector's screens on a small phone (360 px wide), as walked
 * through on site — the header and the site list keep words whole, every control is a thumb's
 * target, the header says when the phone is offline, a submission is confirmed where the
 * inspector is with the way to the next site, and the checklist after a failed submit shows
 * each problem's title, lists it with a target big enough, and lets a deleted photo come back.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { ChecklistPage } from './pages/checklist.page';
import { SignInPage } from './pages/sign-in.page';
import { ApiSeeder } from './fixtures/seed';
import { expect, test } from './fixtures/server';

const PHOTO = path.join(import.meta.dirname, 'fixtures', 'photos', 'ordinary-640x480.jpg');
const TOUCH_TARGET = 44;

test.use({ viewport: { width: 360, height: 740 }, bypassCSP: true }); // bypassCSP: only to inject axe-core

/**
 * Centers of 新华区 whose names grow one character (or a narrow letter) at a time, so that on a
 * narrow screen the line ends at every place of the " 中心 · code" that follows the name.
 */
const CENTERS = Array.from({ length: 28 }, (_, index) => {
  const grow = '甲乙丙丁戊己庚辛壬癸子丑寅卯'.slice(0, index % 14) + (index >= 14 ? 'A' : '');
  return { id: `XH-C-${String(index).padStart(2, '0')}`, name: `新华区${grow}文明实践阵地`, type: 'center' };
});

/** The seeded round (three sites) plus the centers, all assigned to a new inspector. */
async function seedInspector(serverUrl: string): Promise<{ username: string; password: string }> {
  const seed = new ApiSeeder(serverUrl);
  await seed.signInAdmin();
  const inspector = await seed.user('zhang.wei', 'inspector', '张伟');
  const { roundId } = await seed.stationRound(inspector.id);
  await seed.call(
    'PUT',
    '/api/sites',
    CENTERS.map((center) => ({ ...center, district: '新华区' })),
  );
  await seed.call(
    'PUT',
    `/api/rounds/${roundId}/assignments`,
    CENTERS.map((center) => ({ siteId: center.id, userId: inspector.id })),
  );
  return inspector;
}

/**
 * How many lines each occurrence of `text` inside the matched elements is laid out on: 1 when no
 * line break falls inside it. Measured on the text itself, whatever the markup around it.
 */
function linesOfText(scope: Locator, text: string): Promise<number[]> {
  return scope.evaluateAll((elements, needle) => {
    const lines: number[] = [];
    for (const element of elements) {
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.textContent!.indexOf(needle);
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + needle.length);
        lines.push(new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size);
      }
    }
    return lines;
  }, text);
}

async function expectTouchTarget(target: Locator, name: string): Promise<void> {
  const box = await target.boundingBox();
  expect(box, name).not.toBeNull();
  expect(box!.height, `${name} is ${box!.height} px tall`).toBeGreaterThanOrEqual(TOUCH_TARGET);
}

/** axe-core's findings of the given rules (heading order is "moderate": a serious-only scan misses it). */
async function axeViolations(page: Page, rules: string[]): Promise<string[]> {
  const require = createRequire(import.meta.url);
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  return page.evaluate(async (only) => {
    type Result = { violations: { id: string; nodes: { target: unknown }[] }[] };
    const axe = (window as unknown as { axe: { run: (options: object) => Promise<Result> } }).axe;
    const { violations } = await axe.run({ runOnly: { type: 'rule', values: only } });
    return violations.map((v) => `${v.id}: ${v.nodes.map((node) => JSON.stringify(node.target)).join(' | ')}`);
  }, rules);
}

test('a field walk at 360 px: whole words, thumb-sized targets, the offline header and the next site', async ({
  page,
  context,
  server,
}) => {
  const inspector = await seedInspector(server.url);
  await page.goto('/');
  await new SignInPage(page).signIn(inspector.username, inspector.password);
  await expect(page.getByRole('heading', { name: '我的点位' })).toBeVisible();

  // Signing in downloaded the round: that was a sync.
  await page.getByTestId('sync-badge').click();
  await expect(page.getByText(/^上次成功同步：/)).toBeVisible();
  await expect(page.getByText('尚未同步过')).toHaveCount(0);
  await page.goBack();

  // The site list: a center's type tag never splits (中/心), whatever the length of its name.
  await expect(page.locator('.site-list__link')).toHaveCount(CENTERS.length + 3);
  const tagLines = await linesOfText(page.locator('.site-list__meta'), '中心');
  expect(tagLines).toHaveLength(CENTERS.length);
  expect(tagLines.every((lines) => lines === 1)).toBe(true);
  await expectTouchTarget(page.getByRole('button', { name: '退出登录' }), '退出登录');
  await expectTouchTarget(page.getByRole('button', { name: '中文' }), '中文');
  await expectTouchTarget(page.getByRole('button', { name: 'English' }), 'English');

  await page.getByRole('searchbox').fill('曙光');
  await page.getByRole('link', { name: /曙光街社区新时代文明实践站/ }).click();
  const checklist = new ChecklistPage(page);
  await expect(checklist.unanswered()).toHaveText('未评 20 项');
  await expect(checklist.score()).toHaveText('尚未评分');
  await expectTouchTarget(page.getByRole('link', { name: '← 返回' }), '← 返回');
  await expectTouchTarget(page.getByRole('button', { name: '下一未评项' }), '下一未评项');
  await expectTouchTarget(page.getByRole('button', { name: '未评项全部评 A' }), '未评项全部评 A');

  // No network: the header says so rather than "all synced".
  await server.stop();
  await context.setOffline(true);
  const badge = page.getByTestId('sync-badge');
  await expect(badge).toHaveText(/^离线\s·\s已全部同步$/);

  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: '未评项全部评 A' }).click();
  await expect(checklist.unanswered()).toHaveText('全部已评');
  await checklist.submit();

  // The confirmation comes to the inspector at the bottom of the page, with where to go next.
  const confirmation = page.getByTestId('submitted-confirmation');
  await expect(confirmation).toContainText('已提交（第 1 版），联网后将自动上传。');
  await expect(confirmation).toBeFocused();
  await expect(confirmation).toBeInViewport();
  await expect(confirmation.getByRole('link', { name: '返回点位列表' })).toBeVisible();
  // Next: the top card still to inspect in the same district — the list puts the work still to
  // do first, centers before stations, by name in Chinese collation (新华区甲… before the rest).
  const next = confirmation.getByRole('link', { name: '下一个未测评点位：新华区甲文明实践阵地' });
  await expect(next).toBeVisible();

  // The header, offline with one submission waiting: one row, its title whole.
  await expect(badge).toHaveText(/^离线\s·\s待同步\s1$/);
  expect(await linesOfText(page.locator('.app-header__title'), '文明实践测评')).toEqual([1]);
  expect((await page.locator('.app-header').boundingBox())!.height).toBeLessThanOrEqual(64);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

  await next.click();
  await expect(page.getByRole('heading', { level: 1, name: '新华区甲文明实践阵地' })).toBeVisible();
  await expect(checklist.unanswered()).toHaveText('未评 23 项');
});

test('the checklist after a failed submit: titles clear of the score bar, problem links and photo × thumb-sized, undo', async ({
  page,
  server,
}) => {
  const inspector = await seedInspector(server.url);
  await page.goto('/');
  await new SignInPage(page).signIn(inspector.username, inspector.password);
  await page.getByRole('searchbox').fill('曙光');
  await page.getByRole('link', { name: /曙光街社区新时代文明实践站/ }).click();
  const checklist = new ChecklistPage(page);
  await expect(checklist.unanswered()).toHaveText('未评 20 项');

  // Headings go h1 (the site), h2 (a category), h3 (an item).
  expect(await axeViolations(page, ['heading-order'])).toEqual([]);

  // A photo deleted by a slip of the thumb comes back with its blobs.
  await checklist.count('T18', 2);
  await checklist.photo('T18', PHOTO);
  const remove = checklist.item('T18').getByRole('button', { name: '删除这张照片' });
  const removeBox = (await remove.boundingBox())!;
  expect(Math.min(removeBox.width, removeBox.height)).toBeGreaterThanOrEqual(TOUCH_TARGET);
  await remove.click();
  await expect(checklist.item('T18').locator('.photo-strip__thumb')).toHaveCount(0);
  const undoBar = page.getByTestId('undo-bar');
  await expect(undoBar).toContainText('已删除照片');
  await expectTouchTarget(undoBar.getByRole('button', { name: '撤销' }), '撤销');
  await undoBar.getByRole('button', { name: '撤销' }).click();
  await expect(checklist.item('T18').locator('.photo-strip__thumb img')).toHaveCount(1);
  await expect(undoBar).toHaveCount(0);
  const stored = await page.evaluate(
    () =>
      new Promise<{ photos: number; bytes: number[] }>((resolve, reject) => {
        const open = indexedDB.open('civic-inspect');
        open.onerror = () => reject(new Error(String(open.error)));
        open.onsuccess = () => {
          const request = open.result.transaction('photos').objectStore('photos').getAll();
          request.onsuccess = () => {
            open.result.close();
            const rows = request.result as { blob: Blob; thumbnail: Blob }[];
            resolve({ photos: rows.length, bytes: rows.flatMap((row) => [row.blob.size, row.thumbnail.size]) });
          };
        };
      }),
  );
  expect(stored.photos).toBe(1);
  expect(stored.bytes.every((size) => size > 0)).toBe(true);

  // A failed submit scrolls to the first problem with its title below the sticky score bar.
  await checklist.submit();
  const problems = page.getByTestId('submit-problems');
  await expect(problems).toBeVisible();
  const title = checklist.item('T01').locator('.item-card__title');
  await expect
    .poll(() =>
      title.evaluate((element) => {
        const box = element.getBoundingClientRect();
        const seen = document.elementFromPoint(box.left + 4, box.top + box.height / 2);
        return box.top >= 0 && Boolean(seen && element.contains(seen));
      }),
    )
    .toBe(true);
  for (const link of (await problems.getByRole('link').all()).slice(0, 3))
    await expectTouchTarget(link, `problem link ${await link.textContent()}`);
});
