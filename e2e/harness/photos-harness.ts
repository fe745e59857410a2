/**
 * The photo harness page's script: the app's real photo processor (and so the real bundled
 * worker) behind a file input, with the result stored in IndexedDB the way the app stores it
 * (Blobs made from bytes, capture data beside them), timed from the input's `change` event to
 * the transaction's `complete`, while the main thread is watched for long tasks.
 *
 * Plain IndexedDB, not the app's Dexie module: the harness measures the photo path, not the
 * app's schema, and stays independent of it.
 */
import { createPhotoProcessor, PhotoProcessingError } from '../../src/app/photos/photo-processor';
import type { PhotoJobOptions, PhotoStamp } from '../../src/app/photos/photo-protocol';
import type { HarnessOutcome, LongTask, PhotoHarnessApi, Rect, RegionStats } from './harness-api';

const input = document.querySelector<HTMLInputElement>('#photo-input')!;
const status = document.querySelector<HTMLElement>('#status')!;
const processor = createPhotoProcessor();

// Long tasks of the whole page life; a job picks those that overlap it.
const longTasks: Omit<LongTask, 'scripts'>[] = [];
const observer = new PerformanceObserver((list) => collect(list.getEntries()));
observer.observe({ type: 'longtask', buffered: true });
function collect(entries: PerformanceEntryList): void {
  for (const entry of entries) longTasks.push({ startTime: entry.startTime, duration: entry.duration });
}

/** The script entries of a long animation frame (not in TypeScript's DOM types yet). */
interface LongFrameScript {
  startTime: number;
  duration: number;
  invoker: string;
}
const longFrameScripts: LongFrameScript[] = [];
const frameObserver = PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')
  ? new PerformanceObserver((list) => collectScripts(list.getEntries()))
  : undefined;
frameObserver?.observe({ type: 'long-animation-frame', buffered: true });
function collectScripts(entries: PerformanceEntryList): void {
  for (const entry of entries as unknown as { scripts: LongFrameScript[] }[])
    for (const { startTime, duration, invoker } of entry.scripts)
      longFrameScripts.push({ startTime, duration, invoker });
}

/** The long tasks that overlap [from, to], each with the scripts that ran in it. */
function longTasksBetween(from: number, to: number): LongTask[] {
  collect(observer.takeRecords());
  if (frameObserver) collectScripts(frameObserver.takeRecords());
  return longTasks
    .filter((task) => task.startTime + task.duration >= from && task.startTime <= to)
    .map((task) => ({
      ...task,
      scripts: longFrameScripts
        .filter((script) => script.startTime >= task.startTime && script.startTime < task.startTime + task.duration)
        .map((script) => `${script.invoker} ${Math.round(script.duration)} ms`),
    }));
}

interface StoredPhoto {
  sha256: string;
  blob: Blob;
  thumbnail: Blob;
  width: number;
  height: number;
  stamp: PhotoStamp;
  originalBytes: number;
  originalWidth: number;
  originalHeight: number;
  storedAt: string;
}

const database = new Promise<IDBDatabase>((resolve, reject) => {
  const request = indexedDB.open('photo-harness', 1);
  request.onupgradeneeded = () => request.result.createObjectStore('photos', { keyPath: 'sha256' });
  request.onsuccess = () => resolve(request.result);
  request.onerror = () => reject(request.error ?? new Error('indexedDB.open failed'));
});

async function store(photo: StoredPhoto): Promise<void> {
  const db = await database;
  await new Promise<void>((resolve, reject) => {
    const transaction = db.transaction('photos', 'readwrite');
    transaction.objectStore('photos').put(photo);
    transaction.oncomplete = () => resolve();
    transaction.onabort = () => reject(transaction.error ?? new Error('transaction aborted'));
  });
}

async function load(sha256: string): Promise<StoredPhoto> {
  const db = await database;
  return new Promise<StoredPhoto>((resolve, reject) => {
    const request = db.transaction('photos').objectStore('photos').get(sha256);
    request.onsuccess = () =>
      request.result ? resolve(request.result as StoredPhoto) : reject(new Error(`no stored photo ${sha256}`));
    request.onerror = () => reject(request.error ?? new Error('get failed'));
  });
}

let armed: { stamp: PhotoStamp; options: PhotoJobOptions | undefined } | undefined;
let outcome: Promise<HarnessOutcome> | undefined;

input.addEventListener('change', () => {
  const file = input.files?.[0];
  if (!armed || !file) return;
  const { stamp, options } = armed;
  armed = undefined;
  outcome = run(file, stamp, options);
});

async function run(file: File, stamp: PhotoStamp, options: PhotoJobOptions | undefined): Promise<HarnessOutcome> {
  const started = performance.now();
  status.textContent = 'processing';
  // A 10 ms heartbeat: any main-thread stall shows as a gap.
  let lastBeat = started;
  let maxGap = 0;
  const heartbeat = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - lastBeat);
    lastBeat = now;
  }, 10);
  try {
    const photo = await processor.process(file, stamp, options);
    const processed = performance.now();
    await store({
      sha256: photo.sha256,
      blob: photo.blob,
      thumbnail: photo.thumbnail,
      width: photo.width,
      height: photo.height,
      stamp,
      originalBytes: photo.originalBytes,
      originalWidth: photo.originalWidth,
      originalHeight: photo.originalHeight,
      storedAt: new Date().toISOString(),
    });
    const stored = performance.now();
    clearInterval(heartbeat);
    maxGap = Math.max(maxGap, stored - lastBeat);
    const overlapping = longTasksBetween(started, stored);
    const readBack = await load(photo.sha256);
    status.textContent = 'stored';
    return {
      ok: true,
      sha256: photo.sha256,
      width: photo.width,
      height: photo.height,
      bytes: photo.bytes,
      quality: photo.quality,
      thumbnailWidth: photo.thumbnailWidth,
      thumbnailHeight: photo.thumbnailHeight,
      thumbnailBytes: photo.thumbnail.size,
      thumbnailSha256: photo.thumbnailSha256,
      originalBytes: photo.originalBytes,
      originalWidth: photo.originalWidth,
      originalHeight: photo.originalHeight,
      timings: photo.timings,
      startedAt: started,
      fileToStoredMs: stored - started,
      processMs: processed - started,
      storeMs: stored - processed,
      longTasks: overlapping,
      maxHeartbeatGapMs: maxGap,
      storedJpegBase64: await base64(readBack.blob),
      storedJpegType: readBack.blob.type,
      storedThumbnailBase64: await base64(readBack.thumbnail),
    };
  } catch (error) {
    clearInterval(heartbeat);
    status.textContent = 'failed';
    return {
      ok: false,
      name: error instanceof Error ? error.name : typeof error,
      code: error instanceof PhotoProcessingError ? error.code : undefined,
      message: error instanceof Error ? error.message : String(error),
      detail: error instanceof PhotoProcessingError ? error.detail : '',
    };
  }
}

async function base64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let index = 0; index < bytes.length; index += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  return btoa(binary);
}

function regionStats(context: CanvasRenderingContext2D, regions: Rect[]): RegionStats[] {
  return regions.map(({ x, y, width, height }) => {
    const { data } = context.getImageData(x, y, width, height);
    let r = 0;
    let g = 0;
    let b = 0;
    let white = 0;
    const pixels = data.length / 4;
    for (let index = 0; index < data.length; index += 4) {
      const [pr, pg, pb] = [data[index]!, data[index + 1]!, data[index + 2]!];
      r += pr;
      g += pg;
      b += pb;
      if (pr >= 200 && pg >= 200 && pb >= 200) white += 1;
    }
    r /= pixels;
    g /= pixels;
    b /= pixels;
    return { r, g, b, luma: 0.299 * r + 0.587 * g + 0.114 * b, whiteShare: white / pixels };
  });
}

function drawnAt(source: ImageBitmap, width: number, height: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.imageSmoothingQuality = 'high';
  context.drawImage(source, 0, 0, width, height);
  source.close();
  return canvas;
}

/** A fixed amount of integer work (about 90 ms unthrottled here: several 20 ms throttling cycles). */
function busyLoop(): number {
  const started = performance.now();
  let value = 0;
  for (let index = 0; index < 25_000_000; index += 1) value = (value + index * 7) % 1_000_003;
  if (value < 0) throw new Error('unreachable');
  return performance.now() - started;
}

async function busyLoopInWorker(): Promise<number> {
  // Assigned to a name of its own: the minifier renames the function itself.
  const source = `const loop = ${busyLoop.toString()};\nonmessage = () => postMessage(loop());`;
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(url);
  try {
    return await new Promise<number>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<number>) => resolve(event.data);
      worker.onerror = (event) => reject(new Error(event.message));
      worker.postMessage(null);
    });
  } finally {
    worker.terminate();
    URL.revokeObjectURL(url);
  }
}

const api: PhotoHarnessApi = {
  arm(stamp, options) {
    armed = { stamp, options };
    outcome = undefined;
    input.value = '';
  },
  async outcome() {
    const deadline = performance.now() + 60_000;
    while (!outcome) {
      if (performance.now() > deadline) throw new Error('no file was chosen after arm()');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return outcome;
  },
  async sampleStored(sha256, which, regions) {
    const stored = await load(sha256);
    const bitmap = await createImageBitmap(which === 'photo' ? stored.blob : stored.thumbnail);
    const canvas = drawnAt(bitmap, bitmap.width, bitmap.height);
    return regionStats(canvas.getContext('2d')!, regions);
  },
  async sampleSource(width, height, regions) {
    const file = input.files?.[0];
    if (!file) throw new Error('no file in #photo-input');
    const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    return regionStats(drawnAt(bitmap, width, height).getContext('2d')!, regions);
  },
  async calibrate(rounds) {
    // The fastest of the rounds, so a one-off stall (another process, a JIT tier-up) does not count.
    const runs = [];
    for (let run = 0; run < rounds; run += 1) runs.push({ mainMs: busyLoop(), workerMs: await busyLoopInWorker() });
    return {
      mainMs: Math.min(...runs.map((run) => run.mainMs)),
      workerMs: Math.min(...runs.map((run) => run.workerMs)),
    };
  },
  async storedAsPng(sha256) {
    const stored = await load(sha256);
    const bitmap = await createImageBitmap(stored.blob);
    const canvas = drawnAt(bitmap, bitmap.width, bitmap.height);
    const png = await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('toBlob failed'))), 'image/png'),
    );
    return base64(png);
  },
};
window.photoHarness = api;
status.textContent = 'ready';
