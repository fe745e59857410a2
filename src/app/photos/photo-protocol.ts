/**
 * The contract between the photo worker (`photo.worker.ts`) and its main-thread client
 * (`photo-processor.ts`): what a job carries, what comes back, and the catalogue of typed
 * errors with the message shown to the inspector. Types and constants only, so both sides and
 * the tests import it without pulling in either.
 */

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
  kind: 'inspection' | 'recheck';
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
  timings: PhotoStageTimings;
}

export type PhotoJobResponse =
  | { type: 'done'; id: number; result: PhotoJobResult }
  | { type: 'failed'; id: number; code: PhotoErrorCode; detail: string };

/** Why a photo could not be processed. `message` of a PhotoProcessingError is the zh text. */
export const PHOTO_ERRORS = {
  undecodable: {
    zh: '无法读取这张照片，请重新拍摄或选择其他照片',
    en: 'This photo cannot be read. Please take it again or choose another photo.',
  },
  too_small: {
    zh: '这张照片太小，无法使用，请重新拍摄',
    en: 'This photo is too small to be used. Please take it again.',
  },
  unsupported_browser: {
    zh: '此浏览器无法处理照片，请将系统和浏览器更新到最新版本',
    en: 'This browser cannot process photos. Please update the system and the browser.',
  },
  out_of_memory: {
    zh: '手机内存不足，无法处理这张照片。请关闭其他应用后重试',
    en: 'Not enough memory to process this photo. Close other apps and try again.',
  },
  timeout: {
    zh: '照片处理超时，请重试',
    en: 'Processing the photo took too long. Please try again.',
  },
  worker_failed: {
    zh: '照片处理程序出错，请重试',
    en: 'The photo processor failed. Please try again.',
  },
  disposed: {
    zh: '照片处理已取消',
    en: 'Photo processing was cancelled.',
  },
} as const satisfies Record<string, { zh: string; en: string }>;

export type PhotoErrorCode = keyof typeof PHOTO_ERRORS;

export function isPhotoErrorCode(value: unknown): value is PhotoErrorCode {
  return typeof value === 'string' && Object.hasOwn(PHOTO_ERRORS, value);
}

/** A photo's failure in the interface's language: by its code when it has one, else its message. */
export function photoErrorText(error: unknown, language: string): string {
  if (error instanceof PhotoProcessingError) return PHOTO_ERRORS[error.code][language.startsWith('en') ? 'en' : 'zh'];
  return error instanceof Error ? error.message : String(error);
}

/** A failure the UI can show as it is (`message`, in Chinese) or translate by `code`. */
export class PhotoProcessingError extends Error {
  override readonly name = 'PhotoProcessingError';
  readonly code: PhotoErrorCode;
  /** Technical detail for logs (the browser's own error text), never shown to the inspector. */
  readonly detail: string;

  constructor(code: PhotoErrorCode, detail = '') {
    super(PHOTO_ERRORS[code].zh);
    this.code = code;
    this.detail = detail;
  }
}
