/**
 * Issue #17's phone side, against the real server: an inspection deducts two items; the office
 * dispatches them (through the API, as its workspace calls it), which issues the site's link; the
 * station head opens the notice's link on a phone, loses the network, answers an item with a
 * photo (kept on the phone, 待发送), and sees it 已发送 once the network is back; the server
 * lists the item 已反馈 (answered); the rechecker sees the answer and its photo beside the
 * before-photos; a revoked link shows the Chinese page that says what happened and whom to ask.
 */
import path from 'node:path';
import { ADMIN, ApiSeeder, FieldSeeder } from './fixtures/seed';
import { expect, test } from './fixtures/server';
import { RecheckPage } from './pages/recheck.page';
import { SignInPage } from './pages/sign-in.page';

const PHOTO = path.join(import.meta.dirname, 'fixtures', 'photos', 'ordinary-640x480.jpg');
const ROUND = 'R2021-07';
const XH = { id: 'XH-S-001', name: '曙光街社区新时代文明实践站' };
const T16 = `${ROUND}~${XH.id}~T16`;

test('a station head answers offline from the link; it is sent when back online; the rechecker sees it; a revoked link says so', async ({
  page,
  context,
  server,
}) => {
  const seed = new ApiSeeder(server.url);
  await seed.signInAdmin();
  const inspector = await seed.user('zhang.wei', 'inspector', '张伟');
  const rechecker = await seed.user('li.na', 'rechecker', '李娜');
  await seed.call('PUT', '/api/sites', [{ id: XH.id, name: XH.name, type: 'station', district: '新华区' }]);
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
  await seed.call('PUT', `/api/rounds/${ROUND}/assignments`, [
    { siteId: XH.id, userId: inspector.id },
    { siteId: XH.id, userId: rechecker.id },
  ]);
  const field = new FieldSeeder(server.url, seed);
  const inspectorToken = await field.signIn(inspector.username, inspector.password);
  await field.inspect({
    token: inspectorToken,
    roundId: ROUND,
    siteId: XH.id,
    type: 'station',
    findings: { T16: { grade: 'C#', note: '宣传栏公益广告破损褪色' }, T18: { grade: 'C', note: '二楼活动室积尘' } },
  });
  const dispatched = (await seed.call('POST', `/api/rounds/${ROUND}/dispatch`, {})) as { dispatched: number };
  expect(dispatched.dispatched).toBe(2);
  const [link] = (await seed.call('GET', `/api/rounds/${ROUND}/unit-links?siteId=${XH.id}`)) as {
    url: string;
    token: string;
  }[];
  expect(link!.url).toBe(`/unit/${link!.token}`);

  // The notice's QR code, on the station head's phone.
  await page.goto(link!.url);
  const items = page.getByTestId('unit-item');
  await expect(items).toHaveCount(2);
  await expect(page.getByRole('heading', { level: 2, name: XH.name })).toBeVisible();
  await expect(items.filter({ hasText: 'T16' })).toContainText('待整改');
  await expect(items.filter({ hasText: 'T16' })).toContainText('宣传栏公益广告破损褪色');

  // The before-photos are kept on the phone for offline (one per finding).
  await expect
    .poll(() =>
      page.evaluate(
        () =>
          new Promise<number>((resolve, reject) => {
            const open = indexedDB.open('civic-inspect');
            open.onerror = () => reject(new Error(String(open.error)));
            open.onsuccess = () => {
              const request = open.result.transaction('unitPhotos').objectStore('unitPhotos').count();
              request.onsuccess = () => resolve(request.result);
              request.onerror = () => reject(new Error(String(request.error)));
            };
          }),
      ),
    )
    .toBe(2);

  // The network drops while the head answers.
  await context.setOffline(true);
  await items.filter({ hasText: 'T16' }).click();
  await expect(page.getByTestId('unit-before-photos').locator('img')).toHaveCount(1);
  await page.getByLabel('整改情况（做了什么）').fill('已更换新的公益广告');
  await page.getByLabel('备注（可不填）').fill('旧海报已撤下');
  await page.getByTestId('unit-photo-input').setInputFiles(PHOTO);
  await expect(page.getByTestId('unit-photos').locator('img')).toHaveCount(1, { timeout: 20_000 });
  await page.getByRole('button', { name: '提交' }).click();
  const sendState = page.getByTestId('unit-send-states').locator('li');
  await expect(sendState).toHaveCount(1);
  await expect(sendState).toContainText('待发送');
  await expect(sendState).toContainText('网络不通，联网后自动发送');

  // Back online: it goes by itself.
  await context.setOffline(false);
  await expect(sendState).toContainText('已发送', { timeout: 30_000 });
  await expect(page.getByTestId('unit-item-state')).toHaveText('已反馈，待复查');

  const unitItems = (await seed.call('GET', `/api/rounds/${ROUND}/unit-items`)) as {
    id: string;
    state: string;
    answers: { action: string; note: string; photos: string[] }[];
  }[];
  const answered = unitItems.find((item) => item.id === T16)!;
  expect(answered.state).toBe('answered');
  expect(answered.answers).toMatchObject([{ action: '已更换新的公益广告', note: '旧海报已撤下' }]);
  expect(answered.answers[0]!.photos).toHaveLength(1);

  // The rechecker: the unit's answer beside the before-photos.
  await page.goto('/');
  await new SignInPage(page).signIn(rechecker.username, rechecker.password);
  const recheck = new RecheckPage(page);
  await expect(recheck.heading()).toBeVisible();
  await recheck.open(T16, 'T16 公益广告完好');
  const answer = page.getByTestId('unit-answer');
  await expect(answer).toContainText('整改情况：已更换新的公益广告');
  await expect(answer).toContainText('备注：旧海报已撤下');
  await expect(answer.getByTestId('unit-answer-photos').locator('img')).toHaveCount(1, { timeout: 20_000 });
  await recheck.choose('未整改');
  await expect(page.getByTestId('send-back-hint')).toContainText('退回责任单位重新整改');

  // The office revokes the link: whoever holds it is told so, in Chinese.
  const { token: adminToken } = (await seed.call('POST', '/api/session', ADMIN, '')) as { token: string };
  const revoked = await fetch(`${server.url}/api/rounds/${ROUND}/sites/${XH.id}/unit-link`, {
    method: 'DELETE',
    headers: { Authorization: `Bearer ${adminToken}` },
  });
  expect(revoked.status).toBe(204);
  await page.goto(link!.url);
  await expect(page.getByTestId('unit-link-closed')).toContainText('此整改链接已停用');
  await expect(page.getByTestId('unit-link-closed')).toContainText('区创文办');
  await expect(page.getByTestId('unit-link-closed')).not.toContainText(link!.token);
});
