/**
 * What the photo harness page (`photos.html` + `photos-harness.ts`) offers the tests and the
 * bench as `window.photoHarness`, and what its answers look like. Types only: the page and
 * the Node side both import it.
 */
import type {
  PhotoErrorCode,
  PhotoJobOptions,
  PhotoStageTimings,
  PhotoStamp,
} from '../../src/app/photos/photo-protocol';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Colour statistics of one rectangle of a decoded image. */
export interface RegionStats {
  /** Mean of each channel, 0–255. */
  r: number;
  g: number;
  b: number;
  /** Mean Rec. 601 luma, 0–255. */
  luma: number;
  /** Share of pixels with every channel ≥ 200 (white text on the dark band). */
  whiteShare: number;
}

export interface LongTask {
  startTime: number;
  duration: number;
  /**
   * What ran in it, from the Long Animation Frames API where the browser has it (Chromium 123+),
   * e.g. "Worker.onmessage 52 ms": tells the pipeline's own work from the machine's noise.
   */
  scripts: string[];
}

export interface HarnessSuccess {
  ok: true;
  sha256: string;
  width: number;
  height: number;
  bytes: number;
  quality: number;
  thumbnailWidth: number;
  thumbnailHeight: number;
  thumbnailBytes: number;
  /** The worker's SHA-256 of the thumbnail (its name when uploaded for the office). */
  thumbnailSha256: string;
  originalBytes: number;
  originalWidth: number;
  originalHeight: number;
  /** Inside the worker, per stage. */
  timings: PhotoStageTimings;
  /** `performance.now()` at the input's `change` event. */
  startedAt: number;
  /** From the input's `change` event to the IndexedDB transaction's `complete`. */
  fileToStoredMs: number;
  /** From the `change` event to `process()` resolving (worker start-up and transfer included). */
  processMs: number;
  /** Writing the Blobs and the capture data to IndexedDB. */
  storeMs: number;
  /** Main-thread long tasks (> 50 ms) that overlapped the job. */
  longTasks: LongTask[];
  /** Longest gap between 10 ms main-thread heartbeats during the job. */
  maxHeartbeatGapMs: number;
  /** The stored JPEG as read back from IndexedDB, base64, and its Blob type. */
  storedJpegBase64: string;
  storedJpegType: string;
  storedThumbnailBase64: string;
}

export interface HarnessFailure {
  ok: false;
  name: string;
  code: PhotoErrorCode | undefined;
  message: string;
  detail: string;
}

export type HarnessOutcome = HarnessSuccess | HarnessFailure;

export interface PhotoHarnessApi {
  /** The next file chosen in `#photo-input` is processed with this stamp and stored. */
  arm(stamp: PhotoStamp, options?: PhotoJobOptions): void;
  /** The outcome of the armed job, once stored (or failed). */
  outcome(): Promise<HarnessOutcome>;
  /** Statistics of regions of a stored photo or thumbnail, decoded from the Blob in IndexedDB. */
  sampleStored(sha256: string, which: 'photo' | 'thumbnail', regions: Rect[]): Promise<RegionStats[]>;
  /**
   * Statistics of regions of the file in `#photo-input` itself, decoded with its EXIF
   * orientation and drawn at `width` × `height`: the picture before the watermark.
   */
  sampleSource(width: number, height: number, regions: Rect[]): Promise<RegionStats[]>;
  /**
   * Times a fixed busy loop on the main thread and in a throwaway worker: run once without and
   * once with a CPU throttle, the ratios are the slowdown each thread really got.
   */
  calibrate(rounds: number): Promise<{ mainMs: number; workerMs: number }>;
  /** A PNG (base64) of a stored photo, for a human to look at in the test report. */
  storedAsPng(sha256: string): Promise<string>;
}

declare global {
  interface Window {
    photoHarness: PhotoHarnessApi;
  }
}
