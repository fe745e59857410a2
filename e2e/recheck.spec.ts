/**
 * The recheck visit, for real: two sites failed an inspection (PUT through the API with photos,
 * as an inspector's phone would); a rechecker signs in online and the open rectifications come
 * down with their before-photos. Then the network is cut AND the server stopped; the app reloads
 * from its service worker, three items are checked with after-photos (one not fixed), the page is
 * reloaded in the middle of one and nothing is lost. Back online (the server restarted on the
 * same DATA_DIR), the outbox drains by itself: the server shows two closed and one still open, one
 * site closed out, and the supervisor's progress — the API and the component — agrees.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { untilStored } from './fixtures/indexeddb';
import { ApiSeeder, FieldSeeder } from './fixtures/seed';
import { expect, test } from './fixtures/server';
import { RecheckPage } from './pages/recheck.page';
import { SignInPage } from './pages/sign-in.page';

const PHOTO = path.join(import.meta.dirname, 'fixtures', 'photos', 'ordinary-640x480.jpg');
const ROUND = 'R2021-07';
const XH = { id: 'XH-S-001', name: '曙光街社区新时代文明实践站' };
const WD = { id: 'WD-I-001', name: '东安路街道新时代文明实践所' };
const T16 = `${ROUND}~${XH.id}~T16`;
const T18 = `${ROUND}~${XH.id}~T18`;
const I09 = `${ROUND}~${WD.id}~I09`;

interface OutboxRow {
  kind: string;
  key: string;
  groupId: string;
  state: string;
  payload: { verdict?: string; photos?: string[]; rectificationId?: string; note?: string };
}

/** The app's outbox, straight from IndexedDB. */
function readOutbox(page: Page): Promise<OutboxRow[]> {
  return page.evaluate(
    () =>
      new Promise<OutboxRow[]>((resolve, reject) => {
        const open = indexedDB.open('civic-inspect');
        open.onerror = () => reject(new Error(String(open.error)));
        open.onsuccess = () => {
          const request = open.result.transaction('outbox').objectStore('outbox').getAll();
          request.onsuccess = () => resolve(request.result as OutboxRow[]);
          request.onerror = () => reject(new Error(String(request.error)));
        };
      }),
  );
}

/** True once every <img> matched has decoded (a broken or empty image has no natural width). */
async function expectImagesDecoded(images: ReturnType<Page['locator']>, count: number) {
  await expect(images).toHaveCount(count);
  await expect
    .poll(() => images.evaluateAll((nodes) => nodes.every((node) => (node as HTMLImageElement).naturalWidth > 0)))
    .toBe(true);
}

test('a rechecker verifies three items offline, reloads halfway, syncs; the office sees two closed, one open', async ({
  page,
  context,
  browser,
  server,
}) => {
  test.setTimeout(120_000);
  const seed = new ApiSeeder(server.url);
  await seed.signInAdmin();
  const inspector = await seed.user('zhang.wei', 'inspector', '张伟');
  const rechecker = await seed.user('li.na', 'rechecker', '李娜');
  const supervisor = await seed.user('wang.fang', 'supervisor', '王芳');
  await seed.call('PUT', '/api/sites', [
    { id: XH.id, name: XH.name, type: 'station', district: '新华区' },
    { id: WD.id, name: WD.name, type: 'institute', district: '卫东区' },
  ]);
  await seed.call('POST', '/api/rounds', {
    id: ROUND,
    name: '2021年7月模拟测评',
    rubricVersion: '2021',
    rectifyBelow: 100, // every deduction must be rectified
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
  // The failing inspections: the station in July (its items are overdue now), the institute today.
  const field = new FieldSeeder(server.url, seed);
  const inspectorToken = await field.signIn(inspector.username, inspector.password);
  const xhPhotos = await field.inspect({
    token: inspectorToken,
    roundId: ROUND,
    siteId: XH.id,
    type: 'station',
    submittedAt: '2021-07-05T10:00:00+08:00',
    findings: { T16: { grade: 'C#', note: '宣传栏公益广告破损褪色' }, T18: { grade: 'C', note: '二楼活动室积尘' } },
  });
  await field.inspect({
    token: inspectorToken,
    roundId: ROUND,
    siteId: WD.id,
    type: 'institute',
    findings: { I09: { grade: 'C#', photos: 2 } },
  });
  const supervisorToken = await field.signIn(supervisor.username, supervisor.password);
  const serverStatuses = async () => {
    const list = (await seed.call('GET', `/api/rectifications?roundId=${ROUND}`, undefined, supervisorToken)) as {
      id: string;
      status: string;
    }[];
    return Object.fromEntries(list.map((r) => [r.id, r.status]));
  };
  expect(await serverStatuses()).toEqual({ [T16]: 'open', [T18]: 'open', [I09]: 'open' });

  // Online once: sign in; the tasks and their before-photos come down.
  const recheck = new RecheckPage(page);
  await page.goto('/');
  await new SignInPage(page).signIn(rechecker.username, rechecker.password);
  await expect(recheck.heading()).toBeVisible();
  await expect(recheck.photoStatus()).toContainText('已存整改前照片 4/4 张（原图 4 张', { timeout: 20_000 });
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });

  // Offline for real: no network, no server.
  await server.stop();
  await context.setOffline(true);
  await page.reload();
  await expect(recheck.heading()).toBeVisible();
  await expect(page.getByTestId('recheck-count')).toHaveText('待复查 3 项，共 3 项');
  await expect(page.getByRole('heading', { name: '新华区' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '卫东区' })).toBeVisible();
  // The list shows due dates (Shanghai) and what is overdue.
  await expect(recheck.task(T16)).toContainText('期限 2021-07-20');
  await expect(recheck.task(T16)).toContainText('已逾期');
  await expect(recheck.task(I09)).not.toContainText('已逾期');
  await expect(recheck.photoStatus()).toContainText('已存整改前照片 4/4 张');

  // 1. T16: fixed, with an after-photo; the before-photo and the finding come from IndexedDB.
  await recheck.open(T16, 'T16 公益广告完好');
  await expect(page.getByTestId('inspector-note')).toHaveText('测评员备注：宣传栏公益广告破损褪色');
  await expectImagesDecoded(recheck.beforePhotos(), 1);
  await recheck.choose('已整改');
  await expect(page.getByTestId('photo-required')).toHaveText('判定“已整改”须拍整改后照片');
  await recheck.submit();
  await expect(page.getByRole('alert')).toContainText('判定“已整改”需要至少一张整改后照片');
  await recheck.photo(PHOTO);
  await expect(page.getByTestId('photo-required')).toHaveCount(0);
  await recheck.note().fill('已更换新的公益广告');
  await recheck.submit();
  await expect(recheck.submitted()).toBeVisible();
  await recheck.back();

  // 2. T18: not fixed, with an after-photo and a note; the page reloads in the middle.
  await recheck.open(T18, 'T18 室内卫生（无积尘）');
  await recheck.choose('未整改');
  await recheck.photo(PHOTO);
  await recheck.note().fill('二楼活动室仍有积尘');
  await expect(recheck.note()).toHaveValue('二楼活动室仍有积尘');
  await untilStored(page, 'rechecks', '二楼活动室仍有积尘');
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('T18 室内卫生（无积尘）');
  await expect(recheck.verdict('未整改')).toHaveAttribute('aria-checked', 'true');
  await expect(recheck.note()).toHaveValue('二楼活动室仍有积尘');
  await expectImagesDecoded(recheck.afterPhotos(), 1);
  await expectImagesDecoded(recheck.beforePhotos(), 1);
  await recheck.submit();
  await expect(recheck.submitted()).toBeVisible();
  await recheck.back();

  // 3. I09: fixed, with an after-photo; two before-photos side by side with it.
  await recheck.open(I09, 'I09 设立志愿服务站');
  await expectImagesDecoded(recheck.beforePhotos(), 2);
  await recheck.choose('已整改');
  await recheck.photo(PHOTO);
  await recheck.submit();
  await expect(recheck.submitted()).toBeVisible();
  await recheck.back();

  await expect(page.getByTestId('recheck-count')).toHaveText('待复查 0 项，共 3 项');
  await expect(recheck.task(T18)).toContainText('未整改 · 已提交，待同步');
  const outbox = await readOutbox(page);
  const submissions = outbox.filter((entry) => entry.kind === 'recheck');
  expect(
    submissions.map((entry) => [entry.payload.rectificationId, entry.payload.verdict, entry.state]).sort(),
  ).toEqual([
    [I09, 'fixed', 'pending'],
    [T16, 'fixed', 'pending'],
    [T18, 'not_fixed', 'pending'],
  ]);
  expect(submissions.every((entry) => entry.payload.photos?.length === 1)).toBe(true);
  expect(outbox.filter((entry) => entry.kind === 'photo')).toHaveLength(3);

  // Back online: the same server on the same DATA_DIR; the outbox drains by itself.
  await server.start();
  await context.setOffline(false);
  await expect.poll(serverStatuses, { timeout: 30_000 }).toEqual({ [T16]: 'closed', [T18]: 'open', [I09]: 'closed' });
  await expect(recheck.task(T16)).toContainText('已整改 · 已同步', { timeout: 15_000 });
  await expect(recheck.task(T18)).toContainText('未整改 · 已同步');
  expect((await readOutbox(page)).every((entry) => entry.state === 'done')).toBe(true);

  // The server kept the verdicts as sent: notes, after-photos (watermarked on the phone).
  const rectifications = (await seed.call(
    'GET',
    `/api/rectifications?roundId=${ROUND}`,
    undefined,
    supervisorToken,
  )) as {
    id: string;
    beforePhotos: string[];
    lastVerdict: { verdict: string; note: string | null; photos: string[] };
  }[];
  const t18 = rectifications.find((r) => r.id === T18)!;
  expect(t18.beforePhotos).toEqual(xhPhotos.T18);
  expect(t18.lastVerdict).toMatchObject({ verdict: 'not_fixed', note: '二楼活动室仍有积尘' });
  const afterPhoto = await fetch(`${server.url}/api/photos/${t18.lastVerdict.photos[0]}`, {
    headers: { Authorization: `Bearer ${supervisorToken}` },
  });
  expect([afterPhoto.status, afterPhoto.headers.get('content-type')]).toEqual([200, 'image/jpeg']);

  // The supervisor's progress, from the API: two closed, one open (and overdue); one site closed out.
  const progress = (await seed.call(
    'GET',
    `/api/rounds/${ROUND}/rectification-progress`,
    undefined,
    supervisorToken,
  )) as {
    totals: Record<string, number>;
    byDistrict: { district: string; rectifications: number; closed: number; open: number; overdue: number }[];
    sites: { siteId: string; closedOut: boolean }[];
  };
  expect(progress.totals).toMatchObject({
    rectifications: 3,
    closed: 2,
    open: 1,
    overdue: 1,
    sites: 2,
    sitesClosedOut: 1,
  });
  expect(progress.byDistrict.map((d) => [d.district, d.rectifications, d.closed, d.open, d.overdue])).toEqual([
    ['卫东区', 1, 1, 0, 0],
    ['新华区', 2, 1, 1, 1],
  ]);
  expect(progress.sites.map((s) => [s.siteId, s.closedOut])).toEqual([
    [WD.id, true],
    [XH.id, false],
  ]);
  const csv = await fetch(`${server.url}/api/rounds/${ROUND}/recheck-results.csv`, {
    headers: { Authorization: `Bearer ${supervisorToken}` },
  });
  const csvText = await csv.text();
  expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(csvText.split('\r\n').filter((line) => line.includes(ROUND))).toHaveLength(3);

  // … and from the component, in the supervisor's browser.
  const office = await browser.newContext({ baseURL: server.url, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  try {
    const desk = await office.newPage();
    await desk.goto('/');
    await new SignInPage(desk).signIn(supervisor.username, supervisor.password);
    await expect(desk.getByRole('button', { name: '退出登录' })).toBeVisible();
    // The round's page in the office workspace, then its recheck tab (wherever the workspace mounts
    // <RecheckProgress />, its tab is named for 复查).
    await desk.goto(`/office/rounds/${ROUND}`);
    await desk.getByRole('link', { name: /复查/ }).first().click({ timeout: 20_000 });
    const view = desk.getByTestId('recheck-progress');
    await expect(view.getByRole('heading', { name: '整改复查进度' })).toBeVisible({ timeout: 20_000 });
    const total = (key: string) => view.locator(`[data-total="${key}"] strong`);
    await expect(total('rectifications')).toHaveText('3');
    await expect(total('closed')).toHaveText('2');
    await expect(total('open')).toHaveText('1');
    await expect(total('overdue')).toHaveText('1');
    await expect(total('sitesClosedOut')).toHaveText('1');
    const districts = view.getByTestId('recheck-progress-districts');
    await expect(districts.getByRole('row', { name: /新华区/ }).locator('td')).toHaveText([
      '2',
      '1',
      '1',
      '1',
      '0/1',
      '50%',
    ]);
    await expect(districts.getByRole('row', { name: /卫东区/ }).locator('td')).toHaveText([
      '1',
      '1',
      '0',
      '0',
      '1/1',
      '100%',
    ]);
    // Before and after, side by side, photos fetched through the API client.
    const xhRow = view.locator(`tr[data-site-id="${XH.id}"]`);
    await expect(xhRow).toContainText('未销号');
    await expect(view.locator(`tr[data-site-id="${WD.id}"]`)).toContainText('已销号');
    await xhRow.getByRole('button', { name: '整改前后对比' }).click();
    const t18Item = view.locator(`li[data-rectification-id="${T18}"]`);
    await expect(t18Item).toContainText('未整改');
    await expect(t18Item).toContainText('二楼活动室仍有积尘');
    await expectImagesDecoded(t18Item.locator('[data-side="before"] img'), 1);
    await expectImagesDecoded(t18Item.locator('[data-side="after"] img'), 1);
  } finally {
    await office.close();
  }
});
