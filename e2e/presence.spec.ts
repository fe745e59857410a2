/**
 * Issue #18, proof of presence (到场核验): an inspector inspects a site from two kilometres away
 * and attaches a picture chosen from the gallery, taken last month by its EXIF. The phone
 * records its fixes and the photo's facts; the inspection is accepted all the same (flags warn,
 * never block), and the office sees it flagged: in the results' 核验 column and filter, and in
 * the inspection's 到场核验 section.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { exifTimeSegment, withJpegSegments } from '../src/domain/test-jpeg';
import { ChecklistPage } from './pages/checklist.page';
import { OfficePage } from './pages/office.page';
import { SignInPage } from './pages/sign-in.page';
import { ApiSeeder } from './fixtures/seed';
import { expect, test } from './fixtures/server';

const PHOTO = path.join(import.meta.dirname, 'fixtures', 'photos', 'ordinary-640x480.jpg');
// The site, and a place about 2.2 km north of it.
const SITE = { lat: 33.7453, lng: 113.2951 };
const FAR = { latitude: 33.7653, longitude: 113.2951, accuracy: 30 };
const STATION_ITEMS = Array.from({ length: 20 }, (_, index) => `T${String(index + 1).padStart(2, '0')}`);

test('inspected far from the site with a gallery photo: accepted, and flagged in the office', async ({
  page,
  context,
  browser,
  server,
}, testInfo) => {
  const seed = new ApiSeeder(server.url);
  await seed.signInAdmin();
  const inspector = await seed.user('far.away', 'inspector', '王远');
  const supervisor = await seed.user('checks.all', 'supervisor', '赵核');
  const { siteName } = await seed.stationRound(inspector.id);
  await seed.call('PUT', '/api/sites', [
    { id: 'XH-S-001', name: siteName, type: 'station', district: '新华区', ...SITE },
  ]);
  // A picture from the gallery, with its own capture time a month before the round.
  const old = withJpegSegments(await readFile(PHOTO), exifTimeSegment('2021:06:10 09:30:00'));
  const galleryPhoto = testInfo.outputPath('gallery-photo.jpg');
  await writeFile(galleryPhoto, old);

  await context.grantPermissions(['geolocation']);
  await context.setGeolocation(FAR);
  await page.goto('/');
  await new SignInPage(page).signIn(inspector.username, inspector.password);
  await page.getByRole('link', { name: new RegExp(siteName) }).click();
  await expect(page.getByText(/已定位（精度约 30 米）/)).toBeVisible({ timeout: 15_000 });
  const checklist = new ChecklistPage(page);
  for (const itemId of STATION_ITEMS) await checklist.grade(itemId, 'A');
  const item = checklist.item('T18');
  await item.locator('input[data-picker="gallery"]').setInputFiles(galleryPhoto);
  await expect(item.locator('.photo-strip__thumb img')).toHaveCount(1, { timeout: 20_000 });
  await checklist.submit();
  // The badge already says 已全部同步 before the submit is queued (the photos went while grading):
  // wait for the checklist's own word that this revision reached the server.
  await expect(page.getByText('已同步到服务器（第 1 版）。')).toBeVisible({ timeout: 30_000 });

  const stored = (await seed.call('GET', '/api/inspections?roundId=R2021-07')) as { id: string }[];
  expect(stored).toHaveLength(1);
  const detail = (await seed.call('GET', `/api/inspections/${stored[0]!.id}`)) as {
    fixes: { stage: string }[];
    photoMeta: Record<string, { source: string; exifAt: string }>;
    flags: { code: string }[];
  };
  expect(detail.fixes.map((fix) => fix.stage)).toEqual(expect.arrayContaining(['open', 'photo']));
  expect(Object.values(detail.photoMeta)).toEqual([
    expect.objectContaining({ source: 'gallery', exifAt: '2021-06-10T01:30:00.000Z' }),
  ]);
  expect(detail.flags.map((flag) => flag.code)).toEqual([
    'far_from_site',
    'gallery_photo',
    'capture_time_mismatch',
    'capture_outside_round',
  ]);

  // The office, at a desk.
  const desk = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const officePage = await desk.newPage();
  const office = new OfficePage(officePage);
  await office.signIn(supervisor.username, supervisor.password);
  await office.openRound('2021年7月模拟测评');
  await office.tab('测评结果').click();
  await expect(officePage.getByTestId('results-count')).toHaveText('显示 1 条，共 1 条', { timeout: 25_000 });
  const cell = officePage.getByTestId('presence-cell');
  await expect(cell).toContainText('距点位过远');
  await expect(cell).toContainText('相册照片');
  const filters = officePage.getByRole('search', { name: '筛选' });
  await filters.getByLabel('到场核验').selectOption('clean');
  await expect(officePage.getByTestId('results-count')).toHaveText('显示 0 条，共 1 条');
  await filters.getByLabel('到场核验').selectOption('flagged');
  await expect(officePage.getByTestId('results-count')).toHaveText('显示 1 条，共 1 条');

  await officePage.getByRole('link', { name: siteName }).click();
  const section = officePage.getByTestId('presence');
  await expect(section).toContainText(/定位距点位约 22\d\d 米，超出核验半径 200 米加定位精度 30 米/);
  await expect(section).toContainText('1 张照片从相册选取，而非现场拍摄。');
  await expect(section).toContainText('1 张照片的拍摄日期不在本轮测评日期（2021-07-15 至 2021-07-31）之内。');
  await desk.close();
});

test('a photo marked up with a finger at 360 px is the evidence, its untouched hash beside it; on site, nothing is flagged', async ({
  page,
  context,
  server,
}, testInfo) => {
  await page.setViewportSize({ width: 360, height: 740 });
  const seed = new ApiSeeder(server.url);
  await seed.signInAdmin();
  const inspector = await seed.user('marks.up', 'inspector', '李标');
  const { siteName } = await seed.stationRound(inspector.id);
  await seed.call('PUT', '/api/sites', [
    { id: 'XH-S-001', name: siteName, type: 'station', district: '新华区', ...SITE },
  ]);
  // Written now, as a camera writes its file: a fresh file is a camera photo.
  const fresh = testInfo.outputPath('camera-photo.jpg');
  await writeFile(fresh, await readFile(PHOTO));

  await context.grantPermissions(['geolocation']);
  await context.setGeolocation({ latitude: SITE.lat, longitude: SITE.lng, accuracy: 10 });
  await page.goto('/');
  await new SignInPage(page).signIn(inspector.username, inspector.password);
  await page.getByRole('link', { name: new RegExp(siteName) }).click();
  await expect(page.getByText(/已定位/)).toBeVisible({ timeout: 15_000 });
  const checklist = new ChecklistPage(page);
  for (const itemId of STATION_ITEMS) await checklist.grade(itemId, 'A');
  const item = checklist.item('T18');
  await item.locator('input[data-picker="camera-markup"]').setInputFiles(fresh);

  const editor = page.getByTestId('markup-editor');
  await expect(editor).toBeVisible();
  const surface = editor.getByTestId('markup-surface');
  const box = (await surface.boundingBox())!;
  expect(box.width).toBeLessThanOrEqual(360);
  const dragOn = async (from: [number, number], to: [number, number]) => {
    await page.mouse.move(box.x + box.width * from[0], box.y + box.height * from[1]);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * to[0], box.y + box.height * to[1], { steps: 5 });
    await page.mouse.up();
  };
  await dragOn([0.5, 0.5], [0.7, 0.5]); // a circle
  await editor.getByRole('radio', { name: '箭头' }).click();
  await dragOn([0.1, 0.1], [0.45, 0.45]);
  await editor.getByRole('radio', { name: '文字' }).click();
  await editor.getByRole('textbox').fill('积尘');
  await surface.click({ position: { x: box.width * 0.2, y: box.height * 0.8 } });
  await editor.getByRole('button', { name: '保存照片（3 处标注）' }).click();
  await expect(item.locator('.photo-strip__thumb img')).toHaveCount(1, { timeout: 20_000 });

  await checklist.submit();
  // The badge already says 已全部同步 before the submit is queued (the photos went while grading):
  // wait for the checklist's own word that this revision reached the server.
  await expect(page.getByText('已同步到服务器（第 1 版）。')).toBeVisible({ timeout: 30_000 });
  const [stored] = (await seed.call('GET', '/api/inspections?roundId=R2021-07')) as { id: string }[];
  const detail = (await seed.call('GET', `/api/inspections/${stored!.id}`)) as {
    photoMeta: Record<string, { source: string; sourceSha256: string; markedUp?: boolean }>;
    flags: unknown[];
  };
  const entries = Object.entries(detail.photoMeta);
  expect(entries).toHaveLength(1);
  const [sha256, meta] = entries[0]!;
  expect(meta).toMatchObject({ source: 'camera', markedUp: true });
  expect(meta.sourceSha256).not.toBe(sha256); // the evidence is the marked-up JPEG; the untouched file's hash is kept
  expect(detail.flags).toEqual([]);
  const photo = await fetch(`${server.url}/api/photos/${sha256}`, {
    headers: { Authorization: `Bearer ${(seed as unknown as { token: string }).token}` },
  });
  expect(photo.status).toBe(200);
  expect((await photo.arrayBuffer()).byteLength).toBeLessThanOrEqual(400_000);
});
