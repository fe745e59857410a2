/**
 * The contract between the photo worker (`photo.worker.ts`) and its main-thread client
 * (`photo-processor.ts`): what a job carries, what comes back, and the codes of its typed
 * errors (worded for the inspector by i18n/local-errors.ts, `photoError.<code>`). Types and
 * constants only, so both sides and the tests import it without pulling in either.
 */

import type { MarkupShape } from './markup-draw';

/** A position fix from the Geolocation API, as the inspector's device reported it. */
export interface GpsFix {
  lat: number;
  lng: number;
  /** Radius of the 95 % confidence circle, in metres. */
  accuracy: number;
}

/** What is burned into the watermark band (and kept as data beside the photo by the caller). */
export interface PhotoStamp {
  siteName: string;
  /** The rubric item, e.g. "T18 室内卫生". */
  itemLabel: string;
  inspectorName: string;
  /** Capture instant, ISO 8601 (shown in Asia/Shanghai time). */
  takenAt: string;
  gps?: GpsFix;
  /**
   * `citizen`: a resident's photo (issue #20): no site, item or inspector is burned in — only the
   * capture time; `siteName`, `itemLabel` and `inspectorName` are not drawn. `unit`: a
   * responsible unit's after-photo or evidence (issue #17), marked 整改; `inspectorName` is the unit.
   */
  kind: 'inspection' | 'recheck' | 'citizen' | 'unit';
  /** The inspector's marks (circle, arrow, text), burned in under the watermark band. */
  markup?: MarkupShape[];
}

/** Tuning of one job; the defaults are the product's budgets. Tests lower them to exercise paths. */
export interface PhotoJobOptions {
  /** Long edge of the stored photo, px (default 1600). */
  maxLongEdge?: number;
  /** Long edge of the thumbnail, px (default 240). */
  thumbnailLongEdge?: number;
  /** The stored JPEG must not be larger, bytes (default 400 kB = 400 000). */
  maxBytes?: number;
}

export interface PhotoJobRequest {
  type: 'process';
  id: number;
  /** The original file's bytes (transferred, so the caller's copy is detached). */
  original: ArrayBuffer;
  stamp: PhotoStamp;
  options?: PhotoJobOptions;
}

/** Milliseconds spent in each stage inside the worker, for the budget measurement. */
export interface PhotoStageTimings {
  decode: number;
  resize: number;
  watermark: number;
  encode: number;
  thumbnail: number;
  hash: number;
  total: number;
}

/** The worker's output: plain bytes and numbers, every buffer transferred back. */
export interface PhotoJobResult {
  /** The stored photo: JPEG with the watermark band. */
  jpeg: ArrayBuffer;
  /** Lowercase hex SHA-256 of `jpeg`: the photo's identity everywhere. */
  sha256: string;
  width: number;
  height: number;
  /** `jpeg.byteLength`. */
  bytes: number;
  /** The JPEG quality finally used (0.8 unless the first encoding was over `maxBytes`). */
  quality: number;
  /** JPEG, long edge about 240 px, made from the watermarked photo. */
  thumbnail: ArrayBuffer;
  /** Lowercase hex SHA-256 of `thumbnail`: its name when it is uploaded for the office. */
  thumbnailSha256: string;
  thumbnailWidth: number;
  thumbnailHeight: number;
  originalBytes: number;
  /** Size of the original as displayed, i.e. after its EXIF orientation is applied. */
  originalWidth: number;
  originalHeight: number;
  /** Lowercase hex SHA-256 of the original file as picked (proof of presence: the same picture twice). */
  sourceSha256: string;
  /** The original's EXIF DateTimeOriginal as an instant, when it has one. */
  exifAt?: string;
  timings: PhotoStageTimings;
}

export type PhotoJobResponse =
  | { type: 'done'; id: number; result: PhotoJobResult }
  | { type: 'failed'; id: number; code: PhotoErrorCode; detail: string };

/**
 * Why a photo could not be processed. The words are the UI's: `photoError.<code>` in the i18n
 * catalogues (src/app/i18n), through `localErrorText`.
 */
export const PHOTO_ERROR_CODES = [
  'undecodable',
  'too_small',
  'unsupported_browser',
  'out_of_memory',
  'timeout',
  'worker_failed',
  'disposed',
] as const;

export type PhotoErrorCode = (typeof PHOTO_ERROR_CODES)[number];

export function isPhotoErrorCode(value: unknown): value is PhotoErrorCode {
  return typeof value === 'string' && (PHOTO_ERROR_CODES as readonly string[]).includes(value);
}

/** A failure the UI words by `code` (`photoErrorText`); `message` is for logs. */
export class PhotoProcessingError extends Error {
  override readonly name = 'PhotoProcessingError';
  readonly code: PhotoErrorCode;
  /** Technical detail for logs (the browser's own error text), never shown to the inspector. */
  readonly detail: string;

  constructor(code: PhotoErrorCode, detail = '') {
    super(detail ? `photo processing failed (${code}): ${detail}` : `photo processing failed (${code})`);
    this.code = code;
    this.detail = detail;
  }
}
