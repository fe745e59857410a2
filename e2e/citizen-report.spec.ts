/**
 * Issue #20's story on a phone, against the real server: a resident opens a site's poster link,
 * reports with a photo while the link is down, the report waits on the phone and goes (with its
 * proof of work, solved in the page's worker) when the link is back, with a tracking code. The
 * office (through the API, as its workspace calls it) merges a duplicate and turns the report
 * into a spot check; the site is on the inspector's phone (bootstrap) and the inspection is done;
 * the office closes the report with a reply; the resident reads it and rates it; the district's
 * handling figures change.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { leadingZeroBits, proofInput } from '../src/domain/citizen-reports';
import { FieldSeeder, ApiSeeder } from './fixtures/seed';
import { expect, test } from './fixtures/server';

const PHOTO = path.join(import.meta.dirname, 'fixtures', 'photos', 'ordinary-640x480.jpg');

interface Handling {
  districts: { district: string; received: number; closedRate: number | null; satisfaction: number | null }[];
}

/** A second resident's report of the same site, sent as their phone would (proof solved here). */
async function duplicateReport(baseUrl: string, siteId: string): Promise<string> {
  const id = crypto.randomUUID();
  const { challenge, bits } = (await (await fetch(`${baseUrl}/api/public/report-challenge`)).json()) as {
    challenge: string;
    bits: number;
  };
  let n = 0;
  const hash = (nonce: string) =>
    createHash('sha256')
      .update(proofInput(challenge, id, nonce))
      .digest('hex');
  while (leadingZeroBits(hash(n.toString(36))) < bits) n++;
  const report = {
    id,
    siteId,
    category: 'closed_when_open',
    description: '晚上七点关门了',
    photos: [],
    createdAt: new Date().toISOString(),
  };
  const response = await fetch(`${baseUrl}/api/public/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ report, proof: { challenge, nonce: n.toString(36) } }),
  });
  expect(response.status).toBe(201);
  return id;
}

test('a resident reports from a poster on a flaky link; the office handles it; the resident rates it', async ({
  page,
  context,
  server,
}) => {
  test.setTimeout(120_000);
  const office = new ApiSeeder(server.url);
  await office.signInAdmin();
  const inspector = await office.user('zhang.jian', 'inspector', '张检');
  const { roundId } = await office.stationRound(inspector.id);
  // The poster's site: not assigned to the inspector yet.
  await office.call('PUT', '/api/sites', [
    { id: 'XH-S-009', name: '和平路社区新时代文明实践站', type: 'station', district: '新华区' },
  ]);
  const before = (await office.call('GET', '/api/public/handling', undefined, '')) as Handling;
  expect(before.districts).toEqual([]);

  // The poster's QR code: /report/<siteId>.
  await page.goto('/report/XH-S-009');
  await expect(page.getByTestId('citizen-site')).toContainText('和平路社区新时代文明实践站');
  await page.getByLabel('未按时开放/关门落锁').check();
  await page.getByLabel('问题描述').fill('周六上午九点半大门紧锁，门口无人值守');
  await page.getByTestId('citizen-photo-input').setInputFiles(PHOTO);
  await expect(page.getByRole('button', { name: '删除这张照片' })).toHaveCount(1);
  await page.getByLabel(/手机号/).fill('13812345678');

  // The link drops just as the resident sends.
  await context.setOffline(true);
  await page.getByRole('button', { name: '提交反馈' }).click();
  await expect(page.getByRole('heading', { name: '我的反馈' })).toBeVisible();
  const card = page.getByTestId('citizen-report');
  await expect(card).toHaveCount(1);
  await expect(card.getByTestId('citizen-send-state')).toContainText(/等待发送|网络不可用/);
  await expect(card).toContainText('跟踪码待发送后生成');

  // Back online: the page sends it by itself.
  await context.setOffline(false);
  await expect(card.getByTestId('citizen-send-state')).toContainText('已送达', { timeout: 30_000 });
  await expect(card).toContainText(/跟踪码 R[0-9A-Z]{7}/);
  await expect(card.getByTestId('citizen-status')).toContainText('待受理');

  // The office: the queue has it with its photo and the phone masked.
  const queue = (await office.call('GET', '/api/citizen-reports')) as {
    id: string;
    phone: string;
    receivedPhotos: string[];
    photos: unknown[];
  }[];
  expect(queue).toHaveLength(1);
  const report = queue[0]!;
  expect(report.phone).toBe('138****5678');
  expect(report.photos).toHaveLength(1);
  expect(report.receivedPhotos).toHaveLength(2); // the photo and its thumbnail

  const duplicate = await duplicateReport(server.url, 'XH-S-009');
  await office.call('POST', `/api/citizen-reports/${duplicate}/decisions`, { action: 'merge', into: report.id });
  await office.call('POST', `/api/citizen-reports/${report.id}/decisions`, {
    action: 'spot_check',
    roundId,
    inspectorId: inspector.id,
  });
  const field = new FieldSeeder(server.url, office);
  const inspectorToken = await field.signIn(inspector.username, inspector.password);
  const bootstrap = (await office.call('GET', '/api/bootstrap', undefined, inspectorToken)) as {
    assignments: { siteId: string }[];
  };
  expect(bootstrap.assignments.map((a) => a.siteId)).toContain('XH-S-009');
  await field.inspect({
    token: inspectorToken,
    roundId,
    siteId: 'XH-S-009',
    type: 'station',
    findings: { T01: { grade: 'C#', note: '开放时间未公示' } },
  });
  await office.call('POST', `/api/citizen-reports/${report.id}/decisions`, {
    action: 'close',
    reply: '经抽查属实，已督促该站按公示时间开放',
  });

  // The resident reads the reply and rates it.
  await page.getByRole('button', { name: '刷新进度' }).click();
  await expect(card.getByTestId('citizen-status')).toContainText('已办结');
  await expect(card.getByTestId('citizen-reply')).toContainText('已督促该站按公示时间开放');
  await card.getByRole('button', { name: '5 星' }).click();
  await expect(card).toContainText('感谢您的评价：5 星');

  const after = (await office.call('GET', '/api/public/handling', undefined, '')) as Handling;
  expect(after.districts).toEqual([
    expect.objectContaining({ district: '新华区', received: 1, closedRate: 1, satisfaction: 5 }),
  ]);
});
