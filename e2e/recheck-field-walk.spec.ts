/**
 * The recheck list on a small phone (360 px), as the field walk of issue #14 found it: a search
 * over site, item and district; each site's address with a map link (a geo: URI where the site
 * has coordinates, an Amap search where it has only an address); an item whose verdict waits to
 * sync keeps its title readable and its due date on one line, the badges wrapping under it; and a
 * before-photo that could not be downloaded is named by what it shows (axe's
 * label-content-name-mismatch, an experimental rule that only runs when asked for).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { ApiSeeder, FieldSeeder } from './fixtures/seed';
import { expect, test } from './fixtures/server';
import { RecheckPage } from './pages/recheck.page';
import { SignInPage } from './pages/sign-in.page';

const PHOTO = path.join(import.meta.dirname, 'fixtures', 'photos', 'ordinary-640x480.jpg');
const ROUND = 'R2021-07';
const XH = {
  id: 'XH-S-001',
  name: '曙光街社区新时代文明实践站',
  type: 'station',
  district: '新华区',
  address: '新华区曙光街建设路18号',
  lat: 33.7367,
  lng: 113.3039,
};
const WD = {
  id: 'WD-I-001',
  name: '东安路街道新时代文明实践所',
  type: 'institute',
  district: '卫东区',
  address: '卫东区东安路6号',
};
const T09 = `${ROUND}~${XH.id}~T09`;
const T18 = `${ROUND}~${XH.id}~T18`;
const I09 = `${ROUND}~${WD.id}~I09`;

// Before-photos are fetched by the page: no service worker in between, so the test can refuse them.
test.use({ viewport: { width: 360, height: 740 }, serviceWorkers: 'block', bypassCSP: true });

/** Two failed inspections in July (overdue now) and a rechecker assigned to both sites. */
async function seedRechecks(serverUrl: string) {
  const seed = new ApiSeeder(serverUrl);
  await seed.signInAdmin();
  const inspector = await seed.user('zhang.wei', 'inspector', '张伟');
  const rechecker = await seed.user('li.na', 'rechecker', '李娜');
  await seed.call('PUT', '/api/sites', [XH, WD]);
  await seed.call('POST', '/api/rounds', {
    id: ROUND,
    name: '2021年7月模拟测评',
    rubricVersion: '2021',
    rectifyBelow: 100,
    rectifyDays: 15,
    startsOn: '2021-07-01',
    endsOn: '2021-08-31',
    approvedOnly: false,
  });
  await seed.call(
    'PUT',
    `/api/rounds/${ROUND}/assignments`,
    [XH.id, WD.id].flatMap((siteId) => [
      { siteId, userId: inspector.id },
      { siteId, userId: rechecker.id },
    ]),
  );
  const field = new FieldSeeder(serverUrl, seed);
  const token = await field.signIn(inspector.username, inspector.password);
  const submittedAt = '2021-07-05T10:00:00+08:00';
  const findings = { T09: { grade: 'C#' as const }, T18: { grade: 'C' as const, photos: 2 } };
  await field.inspect({ token, roundId: ROUND, siteId: XH.id, type: 'station', submittedAt, findings });
  await field.inspect({
    token,
    roundId: ROUND,
    siteId: WD.id,
    type: 'institute',
    submittedAt,
    findings: { I09: { grade: 'C#' } },
  });
  return rechecker;
}

/** Violations of the one axe rule asked for, as "rule: target". */
async function axeViolations(page: Page, rule: string): Promise<string[]> {
  const require = createRequire(import.meta.url);
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  return page.evaluate(async (ruleId) => {
    type Result = { violations: { id: string; nodes: { target: unknown }[] }[] };
    const axe = (window as unknown as { axe: { run: (options: object) => Promise<Result> } }).axe;
    const { violations } = await axe.run({ runOnly: { type: 'rule', values: [ruleId] } });
    return violations.map((v) => `${v.id}: ${v.nodes.map((node) => JSON.stringify(node.target)).join(' | ')}`);
  }, rule);
}

/** How an item's entry is laid out: lines of its title, rectangles of its due date, where its badges sit. */
function layoutOf(task: Locator) {
  return task.evaluate((link) => {
    const title = link.querySelector('.recheck-task__title')!;
    const due = link.querySelector('.recheck-task__due');
    const badges = link.querySelector('.recheck-task__badges')!;
    const lineHeight = parseFloat(getComputedStyle(title).lineHeight);
    return {
      titleLines: Math.round(title.getBoundingClientRect().height / lineHeight),
      dueRects: due ? due.getClientRects().length : 0,
      badgesBelowTitle: badges.getBoundingClientRect().top >= title.getBoundingClientRect().bottom - 1,
      linkWidth: link.getBoundingClientRect().width,
    };
  });
}

test('the recheck list on a 360 px phone: search, address and map link, a pending verdict that leaves the title readable', async ({
  page,
  context,
  server,
}) => {
  test.setTimeout(90_000);
  const rechecker = await seedRechecks(server.url);
  await page.route('**/api/photos/*', (route) =>
    route.request().method() === 'GET' ? route.abort('connectionrefused') : route.continue(),
  );
  const recheck = new RecheckPage(page);
  await page.goto('/');
  await new SignInPage(page).signIn(rechecker.username, rechecker.password);
  await expect(recheck.heading()).toBeVisible();
  await expect(page.getByTestId('recheck-count')).toHaveText('待复查 3 项，共 3 项');

  // Where each site is, and a map link: coordinates for the station, an address search for the institute.
  const xhWhere = page.getByTestId(`site-where-${XH.id}`);
  await expect(xhWhere).toContainText(`地址：${XH.address}`);
  await expect(xhWhere.getByRole('link', { name: `导航到${XH.name}` })).toHaveAttribute(
    'href',
    `geo:${XH.lat},${XH.lng}?q=${XH.lat},${XH.lng}(${encodeURIComponent(XH.name)})`,
  );
  await expect(page.getByTestId(`site-where-${WD.id}`).getByRole('link', { name: `导航到${WD.name}` })).toHaveAttribute(
    'href',
    `https://uri.amap.com/search?keyword=${encodeURIComponent(WD.address)}`,
  );

  // The search: by district, by item title, by site name.
  const search = page.getByRole('searchbox', { name: '搜索点位、整改项或区县' });
  await search.fill('卫东');
  await expect(page.locator('a[data-rectification-id]')).toHaveCount(1);
  await expect(recheck.task(I09)).toBeVisible();
  await search.fill('室内卫生');
  await expect(page.locator('a[data-rectification-id]')).toHaveCount(1);
  await expect(recheck.task(T18)).toBeVisible();
  // The site still counts all of its items while only one is shown.
  await expect(page.getByRole('heading', { name: XH.name })).toContainText('待复查 2 项 / 共 2 项');
  await search.fill('曙光街');
  await expect(page.locator('a[data-rectification-id]')).toHaveCount(2);
  await search.fill('没有这个点位');
  await expect(page.getByText('没有符合“没有这个点位”的整改项。')).toBeVisible();
  await search.fill('');
  await expect(page.locator('a[data-rectification-id]')).toHaveCount(3);

  // The item page with its before-photo refused: the thumbnail's name says what it shows.
  await recheck.open(T09, 'T09 志愿服务站点设立并有统一标识');
  await expect(page.getByTestId('before-photos')).toContainText('未下载');
  expect(await axeViolations(page, 'label-content-name-mismatch')).toEqual([]);

  // Not fixed, photographed, and submitted with no network (the photo worker's code is loaded
  // before: without a service worker nothing is cached): it waits to sync.
  await recheck.choose('未整改');
  await recheck.photo(PHOTO);
  await context.setOffline(true);
  await recheck.submit();
  await expect(recheck.submitted()).toBeVisible();
  await recheck.back();

  const task = recheck.task(T09);
  await expect(task).toContainText('未整改 · 已提交，待同步');
  await expect(task).toContainText('已逾期');
  const layout = await layoutOf(task);
  expect(layout.linkWidth).toBeLessThanOrEqual(360);
  expect(layout.titleLines).toBeLessThanOrEqual(2);
  expect(layout.dueRects).toBe(1);
  expect(layout.badgesBelowTitle).toBe(true);
  await expect(task.locator('.recheck-task__due')).toHaveText('期限 2021-07-20');
});
