/**
 * The photo pipeline itself: decode (honouring EXIF orientation), downscale in steps, burn in
 * the watermark band, encode JPEG within the byte budget, make the thumbnail, hash. Runs
 * wherever OffscreenCanvas does; the app runs it in `photo.worker.ts`, off the main thread.
 *
 * Memory matters more than speed on a cheap phone: a 12 MP bitmap is 48 MB, so every bitmap
 * and intermediate canvas is released as soon as the next step has been drawn from it.
 */
import {
  MAX_JPEG_BYTES,
  MAX_LONG_EDGE,
  MIN_SHORT_EDGE,
  QUALITY_LADDER,
  SHRINK_WHEN_OVER_BUDGET,
  THUMBNAIL_LONG_EDGE,
  THUMBNAIL_QUALITY,
  downscalePlan,
  fitWithin,
  watermarkLayout,
  type Size,
} from './photo-geometry';
import {
  PhotoProcessingError,
  type PhotoJobOptions,
  type PhotoJobResult,
  type PhotoStageTimings,
  type PhotoStamp,
} from './photo-protocol';
import { sha256Hex } from '../platform/sha256';
import { exifCaptureTime } from './exif-time';
import { WATERMARK_FONT_FAMILY, fitText, watermarkText } from './watermark-text';

type Drawable = ImageBitmap | OffscreenCanvas;

export async function processPhoto(
  original: ArrayBuffer,
  stamp: PhotoStamp,
  options: PhotoJobOptions = {},
): Promise<PhotoJobResult> {
  assertSupported();
  const maxLongEdge = options.maxLongEdge ?? MAX_LONG_EDGE;
  const thumbnailLongEdge = options.thumbnailLongEdge ?? THUMBNAIL_LONG_EDGE;
  const maxBytes = options.maxBytes ?? MAX_JPEG_BYTES;
  const originalBytes = original.byteLength;
  const clock = stageClock();
  // Read before decoding: the untouched file's hash and its own capture time (proof of presence).
  const sourceSha256 = await sha256Hex(original);
  const exifAt = exifCaptureTime(original, -new Date().getTimezoneOffset());

  const bitmap = await decode(original);
  const originalSize = { width: bitmap.width, height: bitmap.height };
  clock.lap('decode');
  if (Math.min(originalSize.width, originalSize.height) < MIN_SHORT_EDGE) {
    bitmap.close();
    throw new PhotoProcessingError('too_small', `${originalSize.width} × ${originalSize.height}`);
  }

  // A PNG or WebP (a screenshot from the gallery) may be transparent, which JPEG would turn black.
  let photo = resize(bitmap, fitWithin(originalSize, maxLongEdge), { whiteBackground: !isJpeg(original) });
  clock.lap('resize');

  drawWatermark(photo, stamp);
  clock.lap('watermark');

  let encoded = await encodeWithinBudget(photo, maxBytes);
  // Only pathological images (noise) miss the budget at the lowest quality: make them smaller.
  for (let attempt = 0; !encoded.fits && attempt < 3; attempt += 1) {
    const smaller = {
      width: Math.max(1, Math.round(photo.width * SHRINK_WHEN_OVER_BUDGET)),
      height: Math.max(1, Math.round(photo.height * SHRINK_WHEN_OVER_BUDGET)),
    };
    photo = resize(photo, smaller);
    encoded = await encodeWithinBudget(photo, maxBytes);
  }
  const jpeg = await encoded.blob.arrayBuffer();
  clock.lap('encode');

  const thumbnailCanvas = resize(photo, fitWithin(photo, thumbnailLongEdge), { releaseSource: false });
  const thumbnail = await (await encode(thumbnailCanvas, THUMBNAIL_QUALITY)).arrayBuffer();
  clock.lap('thumbnail');

  const sha256 = await sha256Hex(jpeg);
  // The thumbnail is uploaded as a photo of its own (the office draws it): named by its hash too.
  const thumbnailSha256 = await sha256Hex(thumbnail);
  clock.lap('hash');

  const result: PhotoJobResult = {
    jpeg,
    sha256,
    width: photo.width,
    height: photo.height,
    bytes: jpeg.byteLength,
    quality: encoded.quality,
    thumbnail,
    thumbnailSha256,
    thumbnailWidth: thumbnailCanvas.width,
    thumbnailHeight: thumbnailCanvas.height,
    originalBytes,
    originalWidth: originalSize.width,
    originalHeight: originalSize.height,
    sourceSha256,
    ...(exifAt && { exifAt }),
    timings: clock.timings(),
  };
  release(photo);
  release(thumbnailCanvas);
  return result;
}

function assertSupported(): void {
  const missing = [
    typeof OffscreenCanvas === 'undefined' && 'OffscreenCanvas',
    typeof createImageBitmap === 'undefined' && 'createImageBitmap',
    typeof crypto === 'undefined' || typeof crypto.subtle === 'undefined' ? 'crypto.subtle (secure context)' : false,
  ].filter(Boolean);
  if (missing.length > 0) throw new PhotoProcessingError('unsupported_browser', `missing ${missing.join(', ')}`);
}

/**
 * `imageOrientation: 'from-image'` applies the EXIF orientation, so a phone's portrait photo
 * stored landscape with Orientation = 6 comes out portrait (checked in e2e/photos.spec.ts).
 */
async function decode(original: ArrayBuffer): Promise<ImageBitmap> {
  if (original.byteLength === 0) throw new PhotoProcessingError('undecodable', 'empty file');
  try {
    return await createImageBitmap(new Blob([original]), { imageOrientation: 'from-image' });
  } catch (error) {
    throw new PhotoProcessingError('undecodable', describe(error));
  }
}

function isJpeg(bytes: ArrayBuffer): boolean {
  const [a, b, c] = new Uint8Array(bytes, 0, Math.min(3, bytes.byteLength));
  return a === 0xff && b === 0xd8 && c === 0xff;
}

interface ResizeOptions {
  /** False when the caller still needs the source (default true: release it). */
  releaseSource?: boolean;
  /** Paint the first step white before drawing, for sources that may be transparent. */
  whiteBackground?: boolean;
}

/** Draws `source` at `target` size through the halving steps of `downscalePlan`, releasing each step once drawn from. */
function resize(
  source: Drawable,
  target: Size,
  { releaseSource = true, whiteBackground = false }: ResizeOptions = {},
): OffscreenCanvas {
  const plan = downscalePlan({ width: source.width, height: source.height }, target);
  // Already the right size (a small photo): a canvas is still needed to draw the watermark on.
  if (plan.length === 0) plan.push({ ...target });
  let current: Drawable = source;
  for (const step of plan) {
    const canvas = new OffscreenCanvas(step.width, step.height);
    const context = context2d(canvas);
    // Bilinear ('low') is enough because no step shrinks by more than half: an exact halving
    // averages each 2 × 2 block. 'high' makes Chromium filter with mipmaps or cubics, 2–3× slower
    // (140 → 45 ms for the 12 MP photo) for no visible difference at these ratios.
    context.imageSmoothingEnabled = true;
    context.imageSmoothingQuality = 'low';
    if (whiteBackground && current === source) {
      context.fillStyle = '#ffffff';
      context.fillRect(0, 0, step.width, step.height);
    }
    context.drawImage(current, 0, 0, step.width, step.height);
    if (current !== source || releaseSource) release(current);
    current = canvas;
  }
  return current as OffscreenCanvas;
}

function context2d(canvas: OffscreenCanvas): OffscreenCanvasRenderingContext2D {
  const context = canvas.getContext('2d');
  // getContext gives null when the canvas cannot be allocated (iOS: out of canvas memory).
  if (!context) throw new PhotoProcessingError('out_of_memory', `no 2d context for ${canvas.width} × ${canvas.height}`);
  return context;
}

function release(drawable: Drawable): void {
  if ('close' in drawable) drawable.close();
  else {
    // Shrinking a canvas frees its backing store at once (iOS keeps it until GC otherwise).
    drawable.width = 0;
    drawable.height = 0;
  }
}

const BAND_COLOUR = 'rgba(0, 0, 0, 0.6)';
const TEXT_COLOUR = '#ffffff';
const MARKER_COLOUR = '#d32f2f';

/** A dark band across the bottom with white lines of text: site, item, time and inspector, GPS. */
function drawWatermark(canvas: OffscreenCanvas, stamp: PhotoStamp): void {
  const { marker, lines } = watermarkText(stamp);
  const size = { width: canvas.width, height: canvas.height };
  const { fontSize, lineHeight, padding, bandHeight, bandTop } = watermarkLayout(size, lines.length);
  const context = context2d(canvas);
  context.fillStyle = BAND_COLOUR;
  context.fillRect(0, bandTop, size.width, bandHeight);
  context.textBaseline = 'middle';
  context.textAlign = 'left';

  lines.forEach((line, index) => {
    const centre = bandTop + padding + lineHeight * index + lineHeight / 2;
    let left = padding;
    // The first line (the site) in bold, with the recheck badge in front of it.
    context.font = `${index === 0 ? '600 ' : ''}${fontSize}px ${WATERMARK_FONT_FAMILY}`;
    if (index === 0 && marker) {
      const badgeWidth = context.measureText(marker).width + fontSize * 0.6;
      const badgeHeight = lineHeight * 0.9;
      context.fillStyle = MARKER_COLOUR;
      context.fillRect(left, centre - badgeHeight / 2, badgeWidth, badgeHeight);
      context.fillStyle = TEXT_COLOUR;
      context.fillText(marker, left + fontSize * 0.3, centre);
      left += badgeWidth + fontSize * 0.4;
    }
    context.fillStyle = TEXT_COLOUR;
    const maxWidth = Math.max(0, size.width - left - padding);
    context.fillText(
      fitText(line, maxWidth, (text) => context.measureText(text).width),
      left,
      centre,
    );
  });
}

interface Encoded {
  blob: Blob;
  quality: number;
  fits: boolean;
}

/** The JPEG at the first quality of the ladder that fits `maxBytes` (or the lowest one, marked as not fitting). */
async function encodeWithinBudget(canvas: OffscreenCanvas, maxBytes: number): Promise<Encoded> {
  let last: Encoded | undefined;
  for (const quality of QUALITY_LADDER) {
    const blob = await encode(canvas, quality);
    last = { blob, quality, fits: blob.size <= maxBytes };
    if (last.fits) return last;
  }
  return last!;
}

async function encode(canvas: OffscreenCanvas, quality: number): Promise<Blob> {
  let blob: Blob;
  try {
    blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
  } catch (error) {
    throw new PhotoProcessingError('out_of_memory', `JPEG encoding failed: ${describe(error)}`);
  }
  // A browser without a JPEG encoder falls back to PNG silently: that would break the hash contract.
  if (blob.type !== 'image/jpeg') throw new PhotoProcessingError('unsupported_browser', `encoder gave ${blob.type}`);
  return blob;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function stageClock() {
  const started = performance.now();
  let lapStarted = started;
  const timings: PhotoStageTimings = { decode: 0, resize: 0, watermark: 0, encode: 0, thumbnail: 0, hash: 0, total: 0 };
  return {
    lap(stage: Exclude<keyof PhotoStageTimings, 'total'>) {
      const now = performance.now();
      timings[stage] += now - lapStarted;
      lapStarted = now;
    },
    timings(): PhotoStageTimings {
      return { ...timings, total: performance.now() - started };
    },
  };
}
