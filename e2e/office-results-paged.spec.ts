/**
 * The office's results list and exports at more than a page of rows, against the real server:
 * the list comes from the server a page at a time (sorted and filtered there) and scrolling to
 * the end fetches the last page; the results and per-item CSVs are the server's streams, saved
 * whole (issue #21).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Papa from 'papaparse';
import { ROUND, roundWithSites, team } from './fixtures/office-seed';
import { distinctJpeg, sha256Hex } from './fixtures/seed';
import { expect, test } from './fixtures/server';
import { OfficePage } from './pages/office.page';

/** More stations than two pages of the list (200 rows each). */
const EXTRA = 450;

test('a round of 455 results: paged list, server sort and filter, streamed CSV exports', async ({ page, server }) => {
  test.setTimeout(180_000);
  const t = await team(server.url);
  await roundWithSites(t);
  const stations = Array.from({ length: EXTRA }, (_, n) => ({
    id: `ZZ-S-${String(n).padStart(3, '0')}`,
    name: `测试站${String(n).padStart(3, '0')}`,
    type: 'station',
    district: '卫东区',
  }));
  await t.seeder.call('PUT', '/api/sites', stations);
  await t.seeder.call(
    'PUT',
    `/api/rounds/${ROUND.id}/assignments`,
    stations.map((site) => ({ siteId: site.id, userId: t.inspector.id })),
  );
  const rubric = (await t.seeder.call('GET', '/api/rubrics/2021', undefined, t.inspector.token)) as {
    types: Record<string, { items: { id: string }[] }>;
  };
  const items = rubric.types.station!.items;
  // Every station at full marks, but one in ten with a B on T18 (the same photo as evidence).
  const evidence = distinctJpeg('paged results evidence');
  const photo = sha256Hex(evidence);
  const uploaded = await fetch(`${server.url}/api/photos/${photo}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'image/jpeg', Authorization: `Bearer ${t.inspector.token}` },
    body: new Uint8Array(evidence),
  });
  expect(uploaded.status).toBe(201);
  for (const [n, site] of stations.entries()) {
    const id = randomUUID();
    await t.seeder.call(
      'PUT',
      `/api/inspections/${id}`,
      {
        id,
        revision: 1,
        roundId: ROUND.id,
        siteId: site.id,
        rubricVersion: '2021',
        startedAt: '2021-07-19T01:00:00.000Z',
        submittedAt: new Date(Date.parse('2021-07-19T01:30:00.000Z') + n * 60_000).toISOString(),
        answers: items.map((item) =>
          n % 10 === 0 && item.id === 'T18'
            ? { itemId: item.id, grade: 'B', photos: [photo] }
            : { itemId: item.id, grade: 'A', photos: [] },
        ),
      },
      t.inspector.token,
    );
  }

  const office = new OfficePage(page);
  const asked: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/result-list')) asked.push(new URL(request.url()).search);
  });
  await office.signIn(t.supervisor.username, t.supervisor.password);
  await office.openRound(ROUND.name);
  await office.tab('测评结果').click();
  await expect(page.getByTestId('results-count')).toHaveText(`显示 ${EXTRA} 条，共 ${EXTRA} 条`);
  // Newest submission first; only the first page was asked for.
  expect((await office.rows('results-table'))[0]!.slice(0, 4)).toEqual(['测试站449', '卫东区', '站', '100']);
  expect(asked.some((search) => search.includes('offset=200'))).toBe(false);

  // Scrolled to the end: the last page arrives and its last row shows.
  await page
    .getByTestId('results-table')
    .locator('.vtable__body')
    .evaluate((body) => {
      body.scrollTop = body.scrollHeight;
    });
  await expect.poll(async () => (await office.rows('results-table')).at(-1)?.[0]).toBe('测试站000');
  expect(asked.some((search) => search.includes('offset=400'))).toBe(true);

  // Sorted by score on the server: lowest first on the second click.
  const score = page.getByRole('button', { name: '得分', exact: true });
  await score.click();
  await score.click();
  await expect.poll(async () => (await office.rows('results-table'))[0]?.[3]).not.toBe('100');
  // A search: the server answers with the one match.
  await page.getByRole('search', { name: '筛选' }).getByLabel('搜索点位').fill('测试站123');
  await expect(page.getByTestId('results-count')).toHaveText(`显示 1 条，共 ${EXTRA} 条`);
  expect((await office.rows('results-table')).map((row) => row[0])).toEqual(['测试站123']);

  // The streamed exports, saved whole.
  await office.tab('统计报告').click();
  await expect(page.getByTestId('report')).toBeVisible();
  const download = async (name: string) => {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
    const target = path.join(os.tmpdir(), `${randomUUID()}-${file.suggestedFilename()}`);
    await file.saveAs(target);
    const bytes = readFileSync(target);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    return {
      name: file.suggestedFilename(),
      rows: Papa.parse<string[]>(bytes.subarray(3).toString('utf8'), { skipEmptyLines: true }).data,
    };
  };
  const results = await download('测评结果（CSV）');
  expect(results.name).toBe(`${ROUND.name}-测评结果.csv`);
  // Every in-scope site: the 450 stations and the 5 sites of the story, uninspected.
  expect(results.rows).toHaveLength(1 + EXTRA + 5);
  expect(results.rows.filter((row) => row[4] === '未测评')).toHaveLength(5);
  const tenth = results.rows.find((row) => row[1] === 'ZZ-S-010')!;
  expect(tenth.slice(4, 10)).toEqual(['已测评', tenth[5], '否', '否', '1', '李测评']);
  const perItem = await download('分项得分（CSV）');
  expect(perItem.name).toBe(`${ROUND.name}-分项得分.csv`);
  expect(perItem.rows).toHaveLength(1 + EXTRA * items.length);
});
