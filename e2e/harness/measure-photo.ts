/**
 * The photo budget of issue 4, measured in the harness page: a 12 MP photo from the file input
 * to its Blobs stored in IndexedDB, under CPU throttling, with the main thread's long tasks.
 * Used by e2e/photos.spec.ts and by `npx tsx e2e/harness/photo-bench.ts` (for `npm run bench`).
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { PhotoStageTimings, PhotoStamp } from '../../src/app/photos/photo-protocol';
import { applyThrottle, describeThrottle, type CpuThrottle } from './cpu-throttle';
import type { HarnessSuccess, LongTask } from './harness-api';

export const PHOTO_FIXTURES = path.resolve(import.meta.dirname, '..', 'fixtures', 'photos');
/** 4000 × 3000, EXIF orientation 6, 2.8 MB: a phone's portrait photo. */
export const PHOTO_12MP = path.join(PHOTO_FIXTURES, 'exif6-4000x3000.jpg');

/** Issue 4's budget for one photo. */
export const PHOTO_BUDGET = { fileToStoredMs: 1500, longTaskMs: 50, bytes: 400_000 } as const;

export const BENCH_STAMP: PhotoStamp = {
  siteName: '金水区文化路街道新时代文明实践所',
  itemLabel: 'T18 室内卫生',
  inspectorName: '张晓明',
  takenAt: '2021-07-19T01:30:00.000Z',
  gps: { lat: 34.746_63, lng: 113.625_41, accuracy: 12 },
  kind: 'inspection',
};

export interface PhotoMeasurement {
  throttle: CpuThrottle;
  /** 1 for a fresh page (the worker starts with the job), 2… for the following jobs. */
  run: number;
  fileToStoredMs: number;
  processMs: number;
  storeMs: number;
  workerTimings: PhotoStageTimings;
  bytes: number;
  width: number;
  height: number;
  quality: number;
  longTasks: LongTask[];
  maxHeartbeatGapMs: number;
  /**
   * How much slower a fixed busy loop ran under the throttle than without it, on the main thread
   * and in a worker: what the throttle really did (CDP throttling leaves workers at 1×).
   */
  slowdown: { main: number; worker: number } | undefined;
}

export interface MeasureOptions {
  pageUrl: string;
  photoPath?: string;
  throttle?: CpuThrottle;
  stamp?: PhotoStamp;
  /** Jobs in a row on one fresh page (default 1). */
  runs?: number;
}

/** Loads the harness afresh and measures `runs` jobs of the photo under the throttle. */
export async function measurePhotoToStored(page: Page, options: MeasureOptions): Promise<PhotoMeasurement[]> {
  const throttle = options.throttle ?? { mode: 'cdp', rate: 4 };
  const photoPath = options.photoPath ?? PHOTO_12MP;
  await page.goto(options.pageUrl);
  await page.locator('#status').filter({ hasText: 'ready' }).waitFor();
  const measurements: PhotoMeasurement[] = [];
  const calibrate = (rounds: number) => page.evaluate((count) => window.photoHarness.calibrate(count), rounds);
  const unthrottled = throttle.mode === 'none' ? undefined : await calibrate(3);
  for (let run = 1; run <= (options.runs ?? 1); run += 1) {
    const active = await applyThrottle(page, throttle);
    let outcome;
    let slowdown: PhotoMeasurement['slowdown'];
    try {
      if (unthrottled) {
        const throttled = await calibrate(1);
        slowdown = {
          main: throttled.mainMs / unthrottled.mainMs,
          worker: throttled.workerMs / unthrottled.workerMs,
        };
      }
      await page.evaluate(({ stamp }) => window.photoHarness.arm(stamp), { stamp: options.stamp ?? BENCH_STAMP });
      await page.locator('#photo-input').setInputFiles(photoPath);
      outcome = await page.evaluate(() => window.photoHarness.outcome());
    } finally {
      await active.release();
    }
    if (!outcome.ok) throw new Error(`photo processing failed: ${outcome.code} ${outcome.message} (${outcome.detail})`);
    measurements.push({ ...toMeasurement(outcome, throttle, run), slowdown });
  }
  return measurements;
}

function toMeasurement(
  outcome: HarnessSuccess,
  throttle: CpuThrottle,
  run: number,
): Omit<PhotoMeasurement, 'slowdown'> {
  return {
    throttle,
    run,
    fileToStoredMs: outcome.fileToStoredMs,
    processMs: outcome.processMs,
    storeMs: outcome.storeMs,
    workerTimings: outcome.timings,
    bytes: outcome.bytes,
    width: outcome.width,
    height: outcome.height,
    quality: outcome.quality,
    longTasks: outcome.longTasks,
    maxHeartbeatGapMs: outcome.maxHeartbeatGapMs,
  };
}

/** True when the measurement is within all three budgets. */
export function withinPhotoBudget(measurement: PhotoMeasurement): boolean {
  return (
    measurement.fileToStoredMs <= PHOTO_BUDGET.fileToStoredMs &&
    measurement.longTasks.length === 0 &&
    measurement.bytes <= PHOTO_BUDGET.bytes
  );
}

/** One line for a log, e.g. `photo 12 MP → stored: 812 ms (budget 1500) …`. */
export function formatPhotoMeasurement(measurement: PhotoMeasurement): string {
  const ms = (value: number) => `${Math.round(value)} ms`;
  const { workerTimings: t } = measurement;
  return [
    `photo 12 MP file→stored [${describeThrottle(measurement.throttle)}, ${measurement.run === 1 ? 'first job, cold worker' : `job ${measurement.run}`}]:`,
    `${ms(measurement.fileToStoredMs)} (budget ${PHOTO_BUDGET.fileToStoredMs} ms),`,
    `${(measurement.bytes / 1000).toFixed(1)} kB at q${measurement.quality} ${measurement.width}×${measurement.height} (budget ${PHOTO_BUDGET.bytes / 1000} kB),`,
    `main-thread long tasks: ${measurement.longTasks.length}`,
    measurement.longTasks.length > 0
      ? `(${measurement.longTasks.map((task) => `${Math.round(task.duration)} ms${task.scripts.length > 0 ? ` in ${task.scripts.join(', ')}` : ''}`).join('; ')})`
      : '',
    `(longest heartbeat gap ${ms(measurement.maxHeartbeatGapMs)});`,
    `process ${ms(measurement.processMs)} + store ${ms(measurement.storeMs)};`,
    `in worker ${ms(t.total)}: decode ${ms(t.decode)}, resize ${ms(t.resize)}, watermark ${ms(t.watermark)}, encode ${ms(t.encode)}, thumbnail ${ms(t.thumbnail)}, hash ${ms(t.hash)}`,
    measurement.slowdown
      ? `(measured slowdown: main thread ${measurement.slowdown.main.toFixed(1)}×, worker ${measurement.slowdown.worker.toFixed(1)}×)`
      : '',
    withinPhotoBudget(measurement) ? '— within budget' : '— OVER BUDGET',
  ]
    .filter(Boolean)
    .join(' ');
}
