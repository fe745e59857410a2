/**
 * The supervisor's workspace on a desktop, against the real server (each test starts its own):
 * setting up a round from a CSV file, results arriving by themselves, the inspection detail with
 * its photos, the report and the printable bulletin with the right figures, CSV and XLSX exports
 * that parse back, the public ranking signed out (and withdrawn), and an inspector kept out of
 * every office page and endpoint — without ever downloading the office chunk.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import Papa from 'papaparse';
import readXlsxFile from 'read-excel-file/node';
import { inspect, report, ROUND, roundWithSites, SITES, team } from './fixtures/office-seed';
import { expect, test } from './fixtures/server';
import { OfficePage } from './pages/office.page';
import { SignInPage } from './pages/sign-in.page';

const ARTIFACTS = path.join(import.meta.dirname, '..', 'test-results', 'office');
mkdirSync(ARTIFACTS, { recursive: true });

/** The five inspections of the story: a center at 97, an institute and a station at 100, a station at 86 (must rectify) and one at 93. */
async function fiveInspections(baseUrl: string, t: Awaited<ReturnType<typeof team>>) {
  return {
    center: await inspect(baseUrl, t, { siteId: 'XH-C', findings: { C06: { grade: 'C#', note: '工作制度未上墙' } } }),
    institute: await inspect(baseUrl, t, { siteId: 'XH-I-01' }),
    poor: await inspect(baseUrl, t, {
      siteId: 'XH-S-001',
      findings: {
        T16: { grade: 'C#', note: '公益广告破损、被遮挡', photos: 2 },
        T18: { grade: 'C#', note: '活动室积尘' },
      },
    }),
    full: await inspect(baseUrl, t, { siteId: 'XH-S-002' }),
    dusty: await inspect(baseUrl, t, { siteId: 'WD-S-001', findings: { T18: { grade: 'C#' } } }),
  };
}

async function expectImagesDecoded(page: Page, selector: string, count: number) {
  const images = page.locator(selector);
  await expect(images).toHaveCount(count);
  await expect
    .poll(() => images.evaluateAll((nodes) => nodes.every((node) => (node as HTMLImageElement).naturalWidth > 0)))
    .toBe(true);
}

test('a supervisor imports sites from a CSV file, creates a round and assigns inspectors by district and type', async ({
  page,
  server,
}) => {
  const t = await team(server.url);
  const office = new OfficePage(page);
  await office.signIn(t.supervisor.username, t.supervisor.password);

  // Sites from a CSV file as Excel saves it (UTF-8 with BOM), one bad row among them.
  await office.nav('点位').click();
  const csv =
    '\uFEFF编号,名称,类型,区县,上级编号,地址,纬度,经度\r\n' +
    SITES.map(
      (site) =>
        `${site.id},${site.name},${{ center: '中心', institute: '所', station: '站' }[site.type]},${site.district},${'parentId' in site ? site.parentId : ''},,,`,
    ).join('\r\n') +
    '\r\nXH-S-009,,站,新华区,XH-I-01,,,\r\n';
  await page.getByLabel('选择 CSV 或 Excel 文件').setInputFiles({
    name: '2021年点位表.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv, 'utf8'),
  });
  await expect(page.getByTestId('import-summary')).toHaveText('共 6 行：新增 5，更新 0，有误 1');
  await expect(page.getByTestId('import-rows')).toContainText('名称：必填');
  expect(await t.seeder.call('GET', '/api/sites')).toEqual([]); // nothing saved before confirming
  await page.getByRole('button', { name: '导入 5 个点位（跳过 1 行有误的）' }).click();
  await expect(page.getByText('已导入 5 个点位。')).toBeVisible();
  await expect(page.getByText('显示 5 个，共 5 个点位')).toBeVisible();

  // One site edited by hand.
  await page.getByRole('button', { name: '编辑 五一路社区新时代文明实践站' }).click();
  await page.getByLabel('地址').fill('五一路 8 号');
  await page.getByLabel('纬度').fill('33.7311');
  await page.getByLabel('经度').fill('113.3342');
  await page.getByRole('button', { name: '保存', exact: true }).click();
  await expect(page.getByText('已保存点位 WD-S-001。')).toBeVisible();
  const sites = (await t.seeder.call('GET', '/api/sites')) as {
    id: string;
    address: string | null;
    lat: number | null;
  }[];
  expect(sites.map((site) => site.id).sort()).toEqual(SITES.map((site) => site.id).sort());
  expect(sites.find((site) => site.id === 'WD-S-001')).toMatchObject({ address: '五一路 8 号', lat: 33.7311 });

  // A round.
  await office.nav('测评轮次').click();
  await expect(page.getByText('还没有测评轮次，请在下方新建。')).toBeVisible();
  await page.getByLabel('轮次编号').fill(ROUND.id);
  await page.getByLabel('轮次名称').fill('2021年7月模拟测评（草稿）');
  await page.getByLabel('开始日期').fill('2021-07-15');
  await page.getByLabel('结束日期').fill('2021-07-10');
  await page.getByRole('button', { name: '创建轮次' }).click();
  await expect(page.getByText('请选择结束日期，且不早于开始日期。')).toBeVisible();
  await page.getByLabel('结束日期').fill('2021-07-31');
  await page.getByRole('button', { name: '创建轮次' }).click();
  await expect(page.getByText('已创建轮次。')).toBeVisible();
  await office.openRound('2021年7月模拟测评（草稿）');

  // Renamed through PATCH.
  await page.getByLabel('轮次名称').fill(ROUND.name);
  await page.getByRole('button', { name: '保存修改' }).click();
  await expect(page.getByRole('heading', { level: 1, name: ROUND.name })).toBeVisible();

  // Assign every site to 李测评, then 卫东区's to 赵测评 instead.
  const assignTo = (label: string) => page.getByLabel('测评员或复查员').selectOption({ label });
  await page.getByRole('button', { name: '全选' }).click();
  await assignTo('李测评（ceping-li，测评员）');
  await expect(page.getByText('符合条件的点位：5 个')).toBeVisible();
  await page.getByRole('button', { name: '分配', exact: true }).click();
  await expect(page.getByText('已将 5 个点位分配给 李测评。')).toBeVisible();

  await page.getByRole('button', { name: '全不选' }).click();
  await page.getByRole('checkbox', { name: '卫东区' }).check();
  await expect(page.getByText('符合条件的点位：1 个')).toBeVisible();
  await page.getByRole('button', { name: '移除分配' }).click();
  await expect(page.getByText('已移除 1 项分配。')).toBeVisible();
  await assignTo('赵测评（ceping-zhao，测评员）');
  await page.getByRole('button', { name: '分配', exact: true }).click();
  await expect(page.getByText('已将 1 个点位分配给 赵测评。')).toBeVisible();
  // Types: only the stations of 新华区 to 赵测评 as well.
  await page.getByRole('checkbox', { name: '卫东区' }).uncheck();
  await page.getByRole('checkbox', { name: '新华区' }).check();
  await page.getByRole('checkbox', { name: '中心' }).uncheck();
  await page.getByRole('checkbox', { name: '所' }).uncheck();
  await expect(page.getByText('符合条件的点位：2 个')).toBeVisible();
  await page.getByRole('button', { name: '分配', exact: true }).click();
  await expect(page.getByText('已将 2 个点位分配给 赵测评。')).toBeVisible();

  expect(await office.tableRows('coverage')).toEqual([
    ['卫东区', '1', '1', '0'],
    ['新华区', '4', '4', '0'],
  ]);
  expect(await office.tableRows('per-user')).toEqual([
    ['李测评', '测评员', '4'],
    ['赵测评', '测评员', '3'],
  ]);
  const assignments = (await t.seeder.call('GET', `/api/rounds/${ROUND.id}/assignments`)) as {
    siteId: string;
    userId: string;
  }[];
  const of = (userId: string) =>
    assignments
      .filter((pair) => pair.userId === userId)
      .map((pair) => pair.siteId)
      .sort();
  expect(of(t.inspector.id)).toEqual(['XH-C', 'XH-I-01', 'XH-S-001', 'XH-S-002']);
  expect(of(t.inspector2.id)).toEqual(['WD-S-001', 'XH-S-001', 'XH-S-002']);
  const round = (await t.seeder.call('GET', `/api/rounds/${ROUND.id}`)) as Record<string, unknown>;
  expect(round).toMatchObject({ name: ROUND.name, rectifyBelow: 90, rectifyDays: 15, startsOn: '2021-07-15' });
});

test('inspections arrive without a reload; the detail shows every answer and photo; report and bulletin have the right figures', async ({
  page,
  server,
}) => {
  const t = await team(server.url);
  await roundWithSites(t);
  const office = new OfficePage(page);
  await office.signIn(t.supervisor.username, t.supervisor.password);
  await office.openRound(ROUND.name);
  await office.tab('测评结果').click();
  await expect(page.getByText('本轮还没有收到测评结果。结果到达后会自动出现。')).toBeVisible();
  await page.evaluate(() => {
    (window as unknown as { marker: string }).marker = 'same page';
  });

  // Five inspections arrive through the API, with photos, while the page is open.
  const sent = await fiveInspections(server.url, t);
  expect([sent.center.score, sent.institute.score, sent.poor.score, sent.full.score, sent.dusty.score]).toEqual([
    97, 100, 86, 100, 93,
  ]);
  await expect(page.getByTestId('results-count')).toHaveText('显示 5 条，共 5 条', { timeout: 25_000 });
  expect(await page.evaluate(() => (window as unknown as { marker: string }).marker)).toBe('same page');
  await page.getByRole('button', { name: '得分', exact: true }).click();
  // Highest first; equal scores by newest arrival (sorted by the server: the rows follow its answer).
  await expect
    .poll(async () => (await office.rows('results-table')).map((row) => row.slice(0, 6)))
    .toEqual([
      ['光明路社区新时代文明实践站', '新华区', '站', '100', '满分', '李测评'],
      ['曙光街街道新时代文明实践所', '新华区', '所', '100', '满分', '李测评'],
      ['新华区新时代文明实践中心', '新华区', '中心', '97', '有失分', '李测评'],
      ['五一路社区新时代文明实践站', '卫东区', '站', '93', '有失分', '李测评'],
      ['曙光街社区新时代文明实践站', '新华区', '站', '86', '须整改', '李测评'],
    ]);
  await page.screenshot({ path: path.join(ARTIFACTS, 'results.png'), fullPage: true });
  // Filters: the district and "must rectify".
  const filters = page.getByRole('search', { name: '筛选' });
  await filters.getByLabel('区县').selectOption('卫东区');
  await expect(page.getByTestId('results-count')).toHaveText('显示 1 条，共 5 条');
  await filters.getByLabel('区县').selectOption('');
  await filters.getByLabel('整改').selectOption('yes');
  await expect(page.getByTestId('results-count')).toHaveText('显示 1 条，共 5 条');

  // The detail of the poor station: score, breakdown, every answer, photos with their facts.
  await page.getByRole('link', { name: '曙光街社区新时代文明实践站' }).click();
  const detail = page.getByTestId('inspection-detail');
  await expect(detail.getByTestId('detail-score')).toHaveText('86');
  expect(await office.tableRows('breakdown')).toContainEqual(['宣传展示', '4', '18', '11', '−7']);
  expect(await office.tableRows('breakdown')).toContainEqual(['环境卫生', '3', '14', '7', '−7']);
  const answers = await office.tableRows('answers');
  expect(answers.filter((row) => row.length === 6)).toHaveLength(20);
  const t16 = answers.find((row) => row[0]!.startsWith('T16'))!;
  expect(t16.slice(1, 5)).toEqual(['7', 'C#', '0', '公益广告破损、被遮挡']);
  await expectImagesDecoded(page, '[data-testid="gallery"] img', 3);
  await page.locator('[data-testid="gallery"] button').first().click();
  const viewer = page.getByRole('dialog', { name: '照片' });
  await expect(viewer.getByTestId('photo-hash')).toHaveText(sent.poor.photos.T16![0]!);
  await expect(viewer).toContainText('2021-07-19 09:12');
  await expect(viewer).toContainText('33.740100, 113.289900 (±8 m)');
  const map = viewer.getByRole('link', { name: '在地图中查看' });
  expect(await map.getAttribute('href')).toContain(
    'https://uri.amap.com/marker?position=113.2899%2C33.7401&coordinate=wgs84',
  );
  await expectImagesDecoded(page, '.office-viewer__image img', 1);
  await page.screenshot({ path: path.join(ARTIFACTS, 'photo-viewer.png') });
  await page.keyboard.press('ArrowRight');
  await expect(viewer.getByTestId('photo-hash')).toHaveText(sent.poor.photos.T16![1]!);
  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();
  // Back to the list: the filter is still there (it lives in the address).
  await page.goBack();
  await expect(filters.getByLabel('整改')).toHaveValue('yes');
  await expect(page.getByTestId('results-count')).toHaveText('显示 1 条，共 5 条');
  expect(new URL(page.url()).search).toBe('?rectify=yes');

  // The report: the same figures as GET /api/rounds/{id}/report.
  const api = await report(t);
  await office.tab('统计报告').click();
  await expect(page.getByTestId('report')).toBeVisible();
  const types = ['center', 'institute', 'station'] as const;
  expect(await office.tableRows('report-by-type')).toEqual(
    types.map((type, index) => {
      const row = api.byType[type]!;
      return [
        ['中心', '所', '站'][index]!,
        String(row.sites),
        String(row.inspected),
        String(row.fullMarks),
        String(row.toRectify),
        String(row.averageScore),
      ];
    }),
  );
  expect(await office.tableRows('report-by-district')).toEqual([
    ['1', '新华区', '4', '4', '2', '1', '95.75'],
    ['2', '卫东区', '1', '1', '0', '0', '93'],
  ]);
  await expect(page.getByTestId('district-chart').locator('canvas')).toBeVisible();
  const problems = await office.tableRows('report-problems');
  expect(problems.map((row) => [row[0], row[1]!.slice(0, 3), row[2]])).toEqual([
    ['1', 'T18', '2'],
    ['2', 'C06', '1'],
    ['3', 'T16', '1'],
  ]);
  expect(api.commonProblems[0]!.examplePhotos).toHaveLength(2);
  // T18: one photo of each of its two sites; C06: one; T16: both of its site's.
  await expectImagesDecoded(page, '[data-testid="report-problems"] img', 5);
  const rectifications = await office.rows('rectification-table');
  expect(rectifications.map((row) => [row[0], row[2]!.slice(0, 3), row[4], row[5]])).toEqual([
    ['曙光街社区新时代文明实践站', 'T16', '2021-08-03', '已逾期'],
    ['曙光街社区新时代文明实践站', 'T18', '2021-08-03', '已逾期'],
  ]);
  expect(api.rectifications.map((row) => row.dueOn)).toEqual(['2021-08-03', '2021-08-03']);
  await page.screenshot({ path: path.join(ARTIFACTS, 'report.png'), fullPage: true });

  // The bulletin, in the page…
  await office.tab('通报').click();
  const bulletin = page.getByTestId('bulletin');
  await expect(bulletin.getByRole('heading', { level: 1 })).toHaveText('关于2021年7月模拟测评情况的通报');
  for (const text of [
    '2021年7月15日至31日，市创文办组织对全市新时代文明实践中心（所、站）开展了全覆盖模拟测评（2021年7月模拟测评）。',
    '本次模拟测评共覆盖2个县（市、区）的1个中心、1个所、3个站，已全部完成测评（满分100分）。',
    '从测评结果看，1个所、1个站获得满分，中心无一满分；中心、所、站的平均得分分别为97分、100分、93分。',
    '按照“测评得分低于90分须限期整改”的要求，1个站须限期15天整改（自测评之日起计算），具体名单及整改期限见附件。',
    '按点位平均得分，各县（市、区）排名依次为：新华区（95.75分）、卫东区（93分）。',
    '测评发现的问题主要集中在以下3个方面：',
    '：2个点位在该项失分。',
    '确保在整改期限内（自测评之日起15天内）整改到位',
  ]) {
    await expect(bulletin).toContainText(text);
  }
  expect(await office.tableRows('bulletin-ranking')).toEqual([
    ['1', '新华区', '4', '4', '2', '1', '95.75'],
    ['2', '卫东区', '1', '1', '0', '0', '93'],
  ]);
  const attachment = await office.tableRows('bulletin-attachment');
  expect(attachment).toHaveLength(1);
  expect(attachment[0]!.slice(0, 5)).toEqual(['1', '新华区', '曙光街社区新时代文明实践站', '站', '86']);
  expect(attachment[0]![6]).toBe('2021年8月3日');
  await page.getByLabel('发文日期').fill('2021-07-21');
  await expect(bulletin).toContainText('市创文办2021年7月21日');

  // …and on paper: A4 width on screen, a full-page screenshot, then print media — navigation gone.
  const box = (await bulletin.boundingBox())!;
  expect(Math.round(box.width)).toBe(794); // 210 mm at 96 dpi
  const title = (await bulletin.getByRole('heading', { level: 1 }).boundingBox())!;
  expect(Math.abs(title.x + title.width / 2 - (box.x + box.width / 2))).toBeLessThan(2);
  await page.screenshot({ path: path.join(ARTIFACTS, 'bulletin.png'), fullPage: true });
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.app-header')).toBeHidden();
  await expect(page.getByRole('navigation', { name: '本轮功能' })).toBeHidden();
  await expect(page.getByRole('button', { name: '打印通报' })).toBeHidden();
  await expect(bulletin).toBeVisible();
  await page.screenshot({ path: path.join(ARTIFACTS, 'bulletin-print.png'), fullPage: true });
  await page.pdf({ path: path.join(ARTIFACTS, 'bulletin.pdf'), preferCSSPageSize: true, printBackground: true });
  const pdf = readFileSync(path.join(ARTIFACTS, 'bulletin.pdf'), 'latin1');
  // A4 pages (595 × 842 pt): the bulletin, then the attachment on a page of its own.
  const pages = pdf.match(/\/MediaBox \[0 0 59[45](\.\d+)? 84[12](\.\d+)?\]/g) ?? [];
  expect(pages.length).toBeGreaterThanOrEqual(2);
});

test('the CSV and XLSX exports parse back to the rows of the round', async ({ page, server }) => {
  const t = await team(server.url);
  await roundWithSites(t);
  await inspect(server.url, t, {
    siteId: 'XH-S-001',
    findings: { T16: { grade: 'C#', note: '=HYPERLINK("http://x")' }, T18: { grade: 'B', note: '少量积尘' } },
  });
  await inspect(server.url, t, { siteId: 'XH-C', findings: { C06: { grade: 'C#' } } });
  const office = new OfficePage(page);
  await office.signIn(t.supervisor.username, t.supervisor.password);
  await office.openRound(ROUND.name);
  await office.tab('统计报告').click();
  await expect(page.getByTestId('report')).toBeVisible();

  const download = async (name: string) => {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
    const target = path.join(ARTIFACTS, file.suggestedFilename());
    await file.saveAs(target);
    return { name: file.suggestedFilename(), bytes: readFileSync(target) };
  };
  const csv = (bytes: Buffer) => {
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    return Papa.parse<string[]>(bytes.subarray(3).toString('utf8'), { skipEmptyLines: true }).data;
  };

  const results = await download('测评结果（CSV）');
  expect(results.name).toBe('2021年7月模拟测评-测评结果.csv');
  const resultRows = csv(results.bytes);
  expect(resultRows[0]).toEqual([
    '区县',
    '点位编号',
    '点位名称',
    '类型',
    '测评状态',
    '得分',
    '满分',
    '须整改',
    '扣分项数',
    '测评员',
    '提交时间',
    '版本',
    '核验提示',
  ]);
  expect(resultRows.slice(1).map((row) => row.slice(0, 9))).toEqual([
    ['卫东区', 'WD-S-001', '五一路社区新时代文明实践站', '站', '未测评', '', '', '', ''],
    ['新华区', 'XH-C', '新华区新时代文明实践中心', '中心', '已测评', '97', '否', '否', '1'],
    ['新华区', 'XH-I-01', '曙光街街道新时代文明实践所', '所', '未测评', '', '', '', ''],
    ['新华区', 'XH-S-001', '曙光街社区新时代文明实践站', '站', '已测评', '90.62', '否', '否', '2'],
    ['新华区', 'XH-S-002', '光明路社区新时代文明实践站', '站', '未测评', '', '', '', ''],
  ]);
  // The seeded sites have no coordinates: proof of presence cannot measure the distance.
  expect(resultRows[2]!.slice(9)).toEqual(['李测评', '2021-07-19 09:30', '1', '点位无坐标']);

  const items = csv((await download('分项得分（CSV）')).bytes);
  expect(items).toHaveLength(1 + 23 + 20);
  const t16 = items.find((row) => row[1] === 'XH-S-001' && row[4] === 'T16')!;
  expect(t16.slice(7)).toEqual(['7', 'C#', '', '0', `'=HYPERLINK("http://x")`, '点位无坐标']); // defused formula
  const t18 = items.find((row) => row[1] === 'XH-S-001' && row[4] === 'T18')!;
  expect(t18.slice(7)).toEqual(['7', 'B', '', '4.62', '少量积尘', '点位无坐标']);

  const rectifications = csv((await download('整改清单（CSV）')).bytes);
  // 90.62 and 97 are both above 90: nothing to rectify in this round.
  expect(rectifications).toEqual([
    ['序号', '区县', '点位编号', '点位名称', '类型', '项目编号', '问题', '等级', '整改期限', '状态', '逾期'],
  ]);

  const workbook = await download('全部（Excel）');
  expect(workbook.name).toBe('2021年7月模拟测评.xlsx');
  const sheets = await readXlsxFile(workbook.bytes);
  expect(sheets.map((sheet) => sheet.sheet)).toEqual(['测评结果', '分项得分', '整改清单']);
  const [sheetResults, sheetItems, sheetRectifications] = sheets.map((sheet) => sheet.data);
  expect(sheetResults![0]).toEqual(resultRows[0]);
  expect(sheetResults![4]!.slice(0, 6)).toEqual([
    '新华区',
    'XH-S-001',
    '曙光街社区新时代文明实践站',
    '站',
    '已测评',
    90.62,
  ]);
  expect(sheetResults![1]!.slice(4, 7)).toEqual(['未测评', null, null]);
  expect(sheetResults!.map((row) => String(row[1]))).toEqual(resultRows.map((row) => row[1]));
  expect(sheetItems).toHaveLength(items.length);
  expect(sheetItems!.find((row) => row[1] === 'XH-S-001' && row[4] === 'T18')!.slice(7, 11)).toEqual([
    7,
    'B',
    null,
    4.62,
  ]);
  expect(sheetRectifications).toHaveLength(1);
});

test('the published ranking opens signed out with district figures only, and is gone once withdrawn', async ({
  page,
  browser,
  server,
}) => {
  const t = await team(server.url);
  await roundWithSites(t);
  const office = new OfficePage(page);
  await office.signIn(t.supervisor.username, t.supervisor.password);
  await office.openRound(ROUND.name);
  await office.tab('公开排名').click();
  await expect(page.getByTestId('publication-state')).toHaveText('本轮排名尚未发布。');
  // Nothing inspected yet: the page says the ranking would be partial, and publishing asks first.
  await expect(page.getByTestId('publish-incomplete')).toHaveText(
    '本轮还有 5 个点位尚未测评：现在发布，排名只反映已测评的点位。',
  );
  const asked: string[] = [];
  page.once('dialog', (dialog) => void (asked.push(dialog.message()), dialog.dismiss()));
  await page.getByRole('button', { name: '发布排名' }).click();
  await expect.poll(() => asked).toEqual(['本轮还有 5 个点位尚未测评，排名只反映已测评的点位。仍要发布吗？']);
  await expect(page.getByTestId('publication-state')).toHaveText('本轮排名尚未发布。');

  await fiveInspections(server.url, t);
  await page.reload();
  await expect(page.getByTestId('publication-state')).toHaveText('本轮排名尚未发布。');
  await expect(page.getByTestId('publish-incomplete')).toHaveCount(0);
  await page.getByRole('button', { name: '发布排名' }).click();
  await expect(page.getByText('已发布。')).toBeVisible();
  const qr = page.getByTestId('qr-code');
  await expect(qr).toBeVisible();
  expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
  await expectImagesDecoded(page, '[data-testid="qr-code"]', 1);
  const url = (await page.getByTestId('public-link').textContent())!;
  expect(url).toMatch(new RegExp(`^${server.url}/public/[A-Za-z0-9_-]{43}$`));
  expect(await office.tableRows('ranking-table')).toEqual([
    ['1', '新华区', '4', '4', '2', '1', '95.75'],
    ['2', '卫东区', '1', '1', '0', '0', '93'],
  ]);
  await page.getByTestId('publication').screenshot({ path: path.join(ARTIFACTS, 'publication-qr.png') });

  // A stranger's browser: no session, nothing cached.
  const stranger = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const publicPage = await stranger.newPage();
  const bodies: string[] = [];
  publicPage.on('response', (response) => {
    if (response.url().includes('/api/'))
      void response.text().then(
        (text) => bodies.push(text),
        () => undefined,
      );
  });
  await publicPage.goto(url);
  const ranking = publicPage.getByTestId('public-ranking');
  await expect(ranking.getByRole('heading', { level: 1 })).toHaveText(ROUND.name);
  await expect(publicPage.getByRole('button', { name: '登录' })).toHaveCount(0);
  expect(
    await publicPage
      .getByTestId('ranking-table')
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent))),
  ).toEqual([
    ['1', '新华区', '4', '4', '2', '1', '95.75'],
    ['2', '卫东区', '1', '1', '0', '0', '93'],
  ]);
  const shown = (await publicPage.content()) + bodies.join('\n');
  for (const secret of [
    ...SITES.map((site) => site.name),
    ...SITES.map((site) => site.id),
    '李测评',
    'ceping-li',
    '王主任',
    '工作制度未上墙',
    '活动室积尘',
    ROUND.id,
  ]) {
    expect(shown, secret).not.toContain(secret);
  }
  expect(shown).not.toMatch(/[0-9a-f]{64}/);
  await publicPage.screenshot({ path: path.join(ARTIFACTS, 'public-ranking.png'), fullPage: true });
  // Opened from the QR code on a phone: every column fits 360 px, in Chinese and in English.
  const phone = await browser.newContext({
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 360, height: 740 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  const phonePage = await phone.newPage();
  await phonePage.goto(url);
  for (const average of ['平均分', 'Average']) {
    if (average === 'Average') await phonePage.getByRole('button', { name: 'English' }).click();
    const head = (await phonePage.getByRole('columnheader', { name: average }).boundingBox())!;
    expect(head.x).toBeGreaterThanOrEqual(0);
    expect(head.x + head.width).toBeLessThanOrEqual(360);
    expect(await phonePage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  }
  await phonePage.screenshot({ path: path.join(ARTIFACTS, 'public-ranking-phone.png'), fullPage: true });
  await phone.close();

  // Withdrawn: the link stops working.
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: '撤回发布' }).click();
  await expect(page.getByText('已撤回，公开链接已失效。')).toBeVisible();
  await expect(page.getByTestId('publication-state')).toHaveCount(0);
  await publicPage.reload();
  await expect(publicPage.getByRole('alert')).toHaveText('该排名不存在或已撤回。');
  const token = url.split('/').at(-1)!;
  expect((await fetch(`${server.url}/api/public/rankings/${token}`)).status).toBe(404);
  await stranger.close();
});

test('an inspector cannot open any supervisor page or API, and never downloads the office chunk', async ({
  page,
  server,
}) => {
  const t = await team(server.url);
  await roundWithSites(t);
  const requested: string[] = [];
  page.on('request', (request) => requested.push(request.url()));

  await page.goto('/');
  await new SignInPage(page).signIn(t.inspector.username, t.inspector.password);
  await expect(page.getByRole('heading', { level: 1, name: '我的点位' })).toBeVisible({ timeout: 20_000 });
  for (const path of [
    '/office/rounds',
    `/office/rounds/${ROUND.id}/report`,
    `/office/rounds/${ROUND.id}/bulletin`,
    `/office/rounds/${ROUND.id}/publish`,
    '/office/sites',
    '/office/users',
  ]) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1, name: '我的点位' })).toBeVisible();
    await expect(page.getByTestId('office')).toHaveCount(0);
  }
  expect(requested.filter((url) => /OfficeWorkspace|RankingTable/.test(url))).toEqual([]);
  // Nor does the service worker precache it.
  const sw = await (await fetch(`${server.url}/sw.js`)).text();
  expect(sw).toContain('index.html');
  expect(sw).not.toContain('OfficeWorkspace');

  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${t.inspector.token}`,
        ...(body !== undefined && { 'Content-Type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    }).then((response) => response.status);
  const round = `/api/rounds/${ROUND.id}`;
  const statuses = {
    report: await call('GET', `${round}/report`),
    results: await call('GET', `${round}/results`),
    feed: await call('GET', `${round}/inspections`),
    patch: await call('PATCH', round, { name: '改名' }),
    round: await call('GET', round),
    assignments: await call('GET', `${round}/assignments`),
    assign: await call('PUT', `${round}/assignments`, [{ siteId: 'XH-C', userId: t.inspector.id }]),
    unassign: await call('DELETE', `${round}/assignments`, [{ siteId: 'XH-C', userId: t.inspector.id }]),
    publish: await call('POST', `${round}/publication`, {}),
    publication: await call('GET', `${round}/publication`),
    unpublish: await call('DELETE', `${round}/publication`),
    sites: await call('PUT', '/api/sites', [SITES[0]]),
    createRound: await call('POST', '/api/rounds', {
      name: 'x',
      rubricVersion: '2021',
      rectifyBelow: 90,
      startsOn: '2021-07-01',
      endsOn: '2021-07-02',
    }),
    users: await call('GET', '/api/users'),
    createUser: await call('POST', '/api/users', {
      username: 'x1',
      password: 'password-1',
      displayName: 'x',
      role: 'admin',
    }),
  };
  expect(statuses).toEqual(Object.fromEntries(Object.keys(statuses).map((key) => [key, 403])));
});

test('an admin creates a user, changes the role, resets the password and disables the account', async ({
  page,
  server,
}) => {
  const office = new OfficePage(page);
  await office.signIn('admin', 'admin-e2e-password');
  await office.nav('用户').click();
  const form = page.getByRole('form', { name: '新建用户' });
  await form.getByLabel('用户名').fill('fuchayuan-wang');
  await form.getByLabel('姓名').fill('王复查');
  await form.getByLabel('角色').selectOption('inspector');
  await form.getByLabel('密码').fill('short');
  await form.getByRole('button', { name: '创建用户' }).click();
  await expect(form.getByText('密码至少 8 位。')).toBeVisible();
  await form.getByLabel('密码').fill('first-password-1');
  await form.getByRole('button', { name: '创建用户' }).click();
  await expect(page.getByText('已创建用户 王复查。')).toBeVisible();
  const signIn = (password: string) =>
    fetch(`${server.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'fuchayuan-wang', password }),
    });
  expect((await signIn('first-password-1')).status).toBe(200);

  await page.getByLabel('王复查 的角色').selectOption('rechecker');
  await expect(page.getByText('已修改 王复查 的角色，其登录已失效。')).toBeVisible();
  const row = page.getByTestId('users-table').getByRole('row').filter({ hasText: 'fuchayuan-wang' });
  await row.getByRole('button', { name: '重置密码' }).click();
  await row.getByLabel('王复查 的新密码').fill('second-password-2');
  await row.getByRole('button', { name: '保存' }).click();
  await expect(page.getByText('已重置 王复查 的密码，其登录已失效。')).toBeVisible();
  expect((await signIn('first-password-1')).status).toBe(401);
  const session = (await (await signIn('second-password-2')).json()) as { user: { role: string } };
  expect(session.user.role).toBe('rechecker');

  // Disabling asks first: dismissed, nothing changes; accepted, the account is disabled.
  const confirms: string[] = [];
  page.once('dialog', (dialog) => void (confirms.push(dialog.message()), dialog.dismiss()));
  await row.getByRole('button', { name: '停用' }).click();
  await expect.poll(() => confirms).toEqual(['停用 王复查 的账号？其登录立即失效，停用后无法登录，可随时重新启用。']);
  await expect(row).toContainText('正常');
  expect((await signIn('second-password-2')).status).toBe(200);
  page.once('dialog', (dialog) => void dialog.accept());
  await row.getByRole('button', { name: '停用' }).click();
  await expect(page.getByText('已停用 王复查，其登录已失效。')).toBeVisible();
  await expect(row).toContainText('已停用');
  expect((await signIn('second-password-2')).status).toBe(401);
  await row.getByRole('button', { name: '启用' }).click();
  await expect(page.getByText('已启用 王复查。')).toBeVisible();
  expect((await signIn('second-password-2')).status).toBe(200);
});

test('a supervisor whose session was revoked elsewhere is sent to sign in again, then continues on the same page', async ({
  page,
  server,
}) => {
  const t = await team(server.url);
  await roundWithSites(t);
  await inspect(server.url, t, { siteId: 'XH-C' });
  const calls: string[] = [];
  page.on('request', (request) => calls.push(`${request.method()} ${new URL(request.url()).pathname}`));
  const office = new OfficePage(page);
  const signedIn = page.waitForResponse(
    (response) => response.url().endsWith('/api/session') && response.request().method() === 'POST',
  );
  await office.signIn(t.supervisor.username, t.supervisor.password);
  const { token } = (await (await signedIn).json()) as { token: string };
  // The rounds list: nothing polls here, so the click below makes the first call after the revocation.
  const roundLink = page.getByRole('link', { name: ROUND.name, exact: true });
  await expect(roundLink).toBeVisible();

  // Signed out on another computer: the server revokes this very token.
  const revoked = await fetch(`${server.url}/api/session`, {
    method: 'DELETE',
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(revoked.status).toBe(204);

  // Opening the round gets 401s: the sign-in page says why, instead of an error no retry fixes.
  await roundLink.click();
  await expect(page.getByText('登录已失效，请重新登录。未同步的工作都已保存在本机。')).toBeVisible();
  await expect(page.getByTestId('office')).toHaveCount(0);
  await expect(page.getByText('加载失败')).toHaveCount(0);
  expect(new URL(page.url()).pathname).toBe(`/office/rounds/${ROUND.id}`);

  // A wrong password still shows its own error.
  const signIn = new SignInPage(page);
  await signIn.signIn(t.supervisor.username, 'wrong-password');
  await expect(page.getByRole('alert')).toHaveText(
    '用户名或密码错误，请核对后重试。若确认无误，账号可能已停用，请联系管理员。',
  );
  await signIn.signIn(t.supervisor.username, t.supervisor.password);
  await expect(page.getByTestId('office')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('heading', { level: 1, name: ROUND.name })).toBeVisible();
  await office.tab('测评结果').click();
  await expect(page.getByTestId('results-count')).toHaveText('显示 1 条，共 1 条');
  await expect(page.getByText('登录已失效')).toHaveCount(0);
  // The office reads the server directly: its sign-ins download no offline copy of the city.
  expect(calls.filter((call) => call.endsWith('/api/bootstrap'))).toEqual([]);
});
