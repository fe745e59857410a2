/**
 * The photo pipeline (src/app/photos) in real Chromium, on real JPEG fixtures
 * (e2e/fixtures/photos, made by scripts/make-photo-fixtures.mjs), through the harness page
 * (e2e/harness): the app's own processor and bundled worker behind a file input, the result
 * stored in IndexedDB and read back for the checks.
 *
 * The 12 MP fixture is stored landscape 4000 × 3000 with EXIF Orientation = 6, a red block in
 * its stored top-left corner and a blue one in its stored bottom-left corner. Rotated 90°
 * clockwise for display, it is portrait 3000 × 4000 with blue top-left and red top-right.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { watermarkLayout } from '../src/app/photos/photo-geometry';
import type { PhotoJobOptions, PhotoStamp } from '../src/app/photos/photo-protocol';
import { watermarkText } from '../src/app/photos/watermark-text';
import type { HarnessOutcome, HarnessSuccess, Rect, RegionStats } from './harness/harness-api';
import {
  BENCH_STAMP,
  PHOTO_12MP,
  PHOTO_BUDGET,
  PHOTO_FIXTURES,
  formatPhotoMeasurement,
  measurePhotoToStored,
  type PhotoMeasurement,
} from './harness/measure-photo';
import { expect, test } from './harness/photo-harness-fixture';

const ORDINARY = path.join(PHOTO_FIXTURES, 'ordinary-640x480.jpg');
const NOT_A_PHOTO = path.join(PHOTO_FIXTURES, 'not-a-photo.jpg');
const TRUNCATED = path.join(PHOTO_FIXTURES, 'truncated.jpg');
const TRANSPARENT_PNG = path.join(PHOTO_FIXTURES, 'transparent-320x240.png');

const isRed = ({ r, g, b }: RegionStats) => r > 170 && g < 80 && b < 80;
const isBlue = ({ r, g, b }: RegionStats) => b > 170 && r < 80 && g < 100;
const rgb = (stats: RegionStats | undefined) =>
  stats ? `rgb(${Math.round(stats.r)}, ${Math.round(stats.g)}, ${Math.round(stats.b)})` : 'no region';

/** Asserts a region's mean colour, naming the colour found when it is not. */
function expectColour(stats: RegionStats | undefined, colour: 'red' | 'blue', where: string, expected = true): void {
  const matches = stats !== undefined && (colour === 'red' ? isRed : isBlue)(stats);
  expect(matches, `${where}: ${expected ? '' : 'not '}${colour}, found ${rgb(stats)}`).toBe(expected);
}

async function processFile(
  page: Page,
  file: string,
  stamp: PhotoStamp,
  options?: PhotoJobOptions,
): Promise<HarnessOutcome> {
  await page.evaluate(({ stamp, options }) => window.photoHarness.arm(stamp, options), { stamp, options });
  await page.locator('#photo-input').setInputFiles(file);
  return page.evaluate(() => window.photoHarness.outcome());
}

function succeeded(outcome: HarnessOutcome): HarnessSuccess {
  if (!outcome.ok)
    throw new Error(`expected a processed photo, got ${outcome.code}: ${outcome.message} (${outcome.detail})`);
  return outcome;
}

const sampleStored = (page: Page, sha256: string, which: 'photo' | 'thumbnail', regions: Rect[]) =>
  page.evaluate((args) => window.photoHarness.sampleStored(args.sha256, args.which, args.regions), {
    sha256,
    which,
    regions,
  });

const sampleSource = (page: Page, width: number, height: number, regions: Rect[]) =>
  page.evaluate((args) => window.photoHarness.sampleSource(args.width, args.height, args.regions), {
    width,
    height,
    regions,
  });

/** The band's rectangle and the rectangle just above it, on a photo of the given size. */
function bandRegions(width: number, height: number, stamp: PhotoStamp): { band: Rect; above: Rect } {
  const { bandTop, bandHeight } = watermarkLayout({ width, height }, watermarkText(stamp).lines.length);
  return {
    band: { x: 0, y: bandTop + 2, width, height: bandHeight - 4 },
    above: { x: 0, y: bandTop - 60, width, height: 50 },
  };
}

test.describe('a 12 MP phone photo with EXIF orientation 6', () => {
  test.describe.configure({ mode: 'serial' });

  let page: Page;
  let photo: HarnessSuccess;
  const workerUrls: string[] = [];

  test.beforeAll(async ({ browser, photoHarness }) => {
    // The device in another time zone: the watermark still shows Shanghai time.
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Europe/Berlin' });
    page = await context.newPage();
    page.on('worker', (worker) => workerUrls.push(worker.url()));
    await page.goto(photoHarness.pageUrl);
    photo = succeeded(await processFile(page, PHOTO_12MP, BENCH_STAMP));
  });

  test.afterAll(async () => {
    await page.context().close();
  });

  test('is decoded with its orientation applied and scaled to 1200 × 1600', async () => {
    expect({ width: photo.originalWidth, height: photo.originalHeight }).toEqual({ width: 3000, height: 4000 });
    expect(photo.originalBytes).toBe(statSync(PHOTO_12MP).size);
    expect({ width: photo.width, height: photo.height }).toEqual({ width: 1200, height: 1600 });

    // 40 px squares in the two top corners (the blocks are 240 × 320 there, their labels lower down).
    const [topLeft, topRight] = await sampleStored(page, photo.sha256, 'photo', [
      { x: 10, y: 10, width: 40, height: 40 },
      { x: 1150, y: 10, width: 40, height: 40 },
    ]);
    expectColour(topLeft, 'blue', 'the stored bottom-left is displayed top-left');
    expectColour(topRight, 'red', 'the stored top-left is displayed top-right');
  });

  test('carries the watermark band across the bottom, and nothing above it', async () => {
    const { band, above } = bandRegions(photo.width, photo.height, BENCH_STAMP);
    const [storedBand, storedAbove] = await sampleStored(page, photo.sha256, 'photo', [band, above]);
    const [sourceBand, sourceAbove] = await sampleSource(page, photo.width, photo.height, [band, above]);
    // Darker than the picture under it (text and all), with white text pixels on it.
    expect(storedBand!.luma).toBeLessThan(sourceBand!.luma * 0.7);
    expect(storedBand!.whiteShare).toBeGreaterThan(0.02);
    // Above the band the picture is untouched (only JPEG noise).
    expect(Math.abs(storedAbove!.luma - sourceAbove!.luma)).toBeLessThan(6);
    expect(Math.abs(storedAbove!.whiteShare - sourceAbove!.whiteShare)).toBeLessThan(0.1);

    await test.info().attach('watermarked 12 MP photo (PNG of the stored JPEG)', {
      body: Buffer.from(
        await page.evaluate((sha256) => window.photoHarness.storedAsPng(sha256), photo.sha256),
        'base64',
      ),
      contentType: 'image/png',
    });
  });

  test('is a JPEG within 400 kB whose SHA-256 is the hash of the stored bytes', async () => {
    const stored = Buffer.from(photo.storedJpegBase64, 'base64');
    expect(photo.storedJpegType).toBe('image/jpeg');
    expect(stored.length).toBe(photo.bytes);
    expect(photo.bytes).toBeLessThanOrEqual(PHOTO_BUDGET.bytes);
    expect(photo.quality).toBe(0.8);
    expect([...stored.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    expect([...stored.subarray(-2)]).toEqual([0xff, 0xd9]);
    // No EXIF left behind: an orientation tag would make viewers rotate the pixels a second time.
    expect(stored.includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(false);
    expect(photo.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(photo.sha256).toBe(createHash('sha256').update(stored).digest('hex'));
  });

  test('has a JPEG thumbnail with a 240 px long edge, the same way up', async () => {
    expect({ width: photo.thumbnailWidth, height: photo.thumbnailHeight }).toEqual({ width: 180, height: 240 });
    const thumbnail = Buffer.from(photo.storedThumbnailBase64, 'base64');
    expect(thumbnail.length).toBe(photo.thumbnailBytes);
    expect([...thumbnail.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    expect(photo.thumbnailBytes).toBeLessThan(40_000);
    const [topLeft, topRight] = await sampleStored(page, photo.sha256, 'thumbnail', [
      { x: 3, y: 4, width: 8, height: 30 },
      { x: 168, y: 4, width: 8, height: 30 },
    ]);
    expectColour(topLeft, 'blue', 'thumbnail top-left');
    expectColour(topRight, 'red', 'thumbnail top-right');
  });

  test('is processed in the bundled worker, the main thread free', async () => {
    expect(workerUrls.some((url) => /\/assets\/photo\.worker-[\w-]+\.js$/.test(url))).toBe(true);
    expect(photo.timings.total).toBeGreaterThan(0);
    expect(photo.longTasks, 'main-thread tasks over 50 ms during the job').toEqual([]);
  });
});

test('a small ordinary JPEG keeps its size; a recheck photo carries the 复查 badge', async ({ page, photoHarness }) => {
  await page.goto(photoHarness.pageUrl);
  const inspection = succeeded(await processFile(page, ORDINARY, { ...BENCH_STAMP, gps: undefined }));
  const recheck = succeeded(await processFile(page, ORDINARY, { ...BENCH_STAMP, gps: undefined, kind: 'recheck' }));
  for (const photo of [inspection, recheck]) {
    expect({ width: photo.width, height: photo.height }).toEqual({ width: 640, height: 480 }); // never upscaled
    expect({ width: photo.thumbnailWidth, height: photo.thumbnailHeight }).toEqual({ width: 240, height: 180 });
    expect(photo.sha256).toBe(createHash('sha256').update(Buffer.from(photo.storedJpegBase64, 'base64')).digest('hex'));
  }
  expect(recheck.sha256).not.toBe(inspection.sha256);

  const stamp = { ...BENCH_STAMP, gps: undefined };
  const { band } = bandRegions(640, 480, stamp);
  const { fontSize, padding, lineHeight, bandTop } = watermarkLayout({ width: 640, height: 480 }, 3);
  // The badge sits at the start of the first line.
  const badge = { x: padding + 2, y: bandTop + padding + Math.round(lineHeight * 0.2), width: 4, height: 4 };
  const [inspectionBand, inspectionBadge] = await sampleStored(page, inspection.sha256, 'photo', [band, badge]);
  const [recheckBand, recheckBadge] = await sampleStored(page, recheck.sha256, 'photo', [band, badge]);
  const [sourceBand] = await sampleSource(page, 640, 480, [band]);
  expect(fontSize).toBeGreaterThanOrEqual(10);
  for (const stats of [inspectionBand!, recheckBand!]) {
    expect(stats.luma).toBeLessThan(sourceBand!.luma * 0.7);
    expect(stats.whiteShare).toBeGreaterThan(0.02);
  }
  expectColour(recheckBadge, 'red', 'the 复查 badge of the recheck photo');
  expectColour(inspectionBadge, 'red', 'the same place on the inspection photo', false);
});

test('a transparent PNG from the gallery comes out on white, not black', async ({ page, photoHarness }) => {
  await page.goto(photoHarness.pageUrl);
  const photo = succeeded(await processFile(page, TRANSPARENT_PNG, BENCH_STAMP));
  expect({ width: photo.width, height: photo.height }).toEqual({ width: 320, height: 240 });
  const [corner, square] = await sampleStored(page, photo.sha256, 'photo', [
    { x: 4, y: 4, width: 20, height: 20 },
    { x: 140, y: 70, width: 40, height: 40 },
  ]);
  expect(corner!.luma, `top-left corner ${rgb(corner)}`).toBeGreaterThan(240);
  expectColour(square, 'blue', 'the square');
});

test('lowers the JPEG quality until the photo fits the byte budget', async ({ page, photoHarness }) => {
  await page.goto(photoHarness.pageUrl);
  const photo = succeeded(await processFile(page, PHOTO_12MP, BENCH_STAMP, { maxBytes: 150_000 }));
  expect(photo.quality).toBeLessThan(0.8);
  expect(photo.bytes).toBeLessThanOrEqual(150_000);
  expect({ width: photo.width, height: photo.height }).toEqual({ width: 1200, height: 1600 });
});

test('a file that is not a photo gives the Chinese error, and the next photo still works', async ({
  page,
  photoHarness,
}) => {
  await page.goto(photoHarness.pageUrl);
  for (const file of [NOT_A_PHOTO, TRUNCATED]) {
    const outcome = await processFile(page, file, BENCH_STAMP);
    expect(outcome, path.basename(file)).toMatchObject({
      ok: false,
      name: 'PhotoProcessingError',
      code: 'undecodable',
    });
  }
  succeeded(await processFile(page, ORDINARY, BENCH_STAMP));
});

/**
 * Issue 4's budget, printed for the closing note and the CI log: 12 MP from file input to
 * stored ≤ 1.5 s, no main-thread task over 50 ms, ≤ 400 kB, with 4× CPU throttling.
 *
 * Three jobs under DevTools throttling (which slows the main thread only; see cpu-throttle.ts)
 * and one with the whole renderer process slowed 4×, the closer stand-in for a mid-range phone.
 * Times are printed, not asserted: a shared CI machine is too noisy for a 1.5 s bound. Long
 * tasks are asserted under DevTools throttling, as the issue defines them; on a loaded machine
 * the OS can preempt the main thread inside a short task and stretch it past 50 ms, so a task
 * of the pipeline's own shows in every run, while noise does not: at least one run must be
 * clean, and none may have a task over 100 ms.
 */
test('budget: a 12 MP photo from file input to stored, with 4× CPU throttling', async ({ page, photoHarness }) => {
  test.setTimeout(120_000);
  const report = (measurements: PhotoMeasurement[]) => {
    for (const measurement of measurements) {
      const line = formatPhotoMeasurement(measurement);
      console.log(line);
      test.info().annotations.push({ type: 'photo budget', description: line });
      expect(measurement.bytes).toBeLessThanOrEqual(PHOTO_BUDGET.bytes);
    }
  };

  const devtools = await measurePhotoToStored(page, {
    pageUrl: photoHarness.pageUrl,
    throttle: { mode: 'cdp', rate: 4 },
    runs: 3,
  });
  report(devtools);
  expect(
    devtools.some((measurement) => measurement.longTasks.length === 0),
    'at least one run without a main-thread task over 50 ms',
  ).toBe(true);
  expect(devtools.flatMap((measurement) => measurement.longTasks).filter((task) => task.duration > 100)).toEqual([]);

  report(
    await measurePhotoToStored(page, {
      pageUrl: photoHarness.pageUrl,
      throttle: { mode: 'renderer-process', rate: 4 },
    }),
  );
});
