/**
 * Sizes for the photo pipeline, as pure functions (no canvas): the stored size, the plan of
 * downscaling steps, the watermark band's layout and the JPEG quality ladder. The budgets of
 * issue 4 live here as constants.
 */

/** Long edge of the stored photo. */
export const MAX_LONG_EDGE = 1600;
/** Long edge of the thumbnail shown in the checklist. */
export const THUMBNAIL_LONG_EDGE = 240;
/** The stored JPEG's budget: 400 kB. */
export const MAX_JPEG_BYTES = 400_000;
/**
 * iOS Safari draws nothing on a canvas of more than 4096 × 4096 = 16 777 216 pixels (and
 * counts them against a small total canvas memory), so no intermediate canvas may be larger.
 */
export const MAX_CANVAS_PIXELS = 16_777_216;
/** A photo whose short edge is below this is no evidence of anything. */
export const MIN_SHORT_EDGE = 64;

/** Tried in order until the JPEG fits the budget. 0.8 looks like the camera's own JPEG at this size. */
export const QUALITY_LADDER = [0.8, 0.7, 0.6, 0.5, 0.4] as const;
export const THUMBNAIL_QUALITY = 0.7;
/** When even the lowest quality is over budget, the photo is made this much smaller and the ladder tried again. */
export const SHRINK_WHEN_OVER_BUDGET = 0.8;

export interface Size {
  width: number;
  height: number;
}

/** The size of an image scaled down (never up) so that its long edge is at most `maxLongEdge`. */
export function fitWithin(source: Size, maxLongEdge: number): Size {
  assertSize(source);
  const longEdge = Math.max(source.width, source.height);
  if (longEdge <= maxLongEdge) return { width: source.width, height: source.height };
  const scale = maxLongEdge / longEdge;
  return scaled(source, scale);
}

/**
 * The canvases to draw, in order, to get from `source` to `target`: halve while the half is
 * still at least the target (each halving averages 2 × 2 pixels, so no detail aliases even
 * where the browser's smoothing is only bilinear, as in Safari), then the final odd-sized step.
 * No step is larger than `maxCanvasPixels`. Empty when `source` already is `target`.
 */
export function downscalePlan(source: Size, target: Size, maxCanvasPixels = MAX_CANVAS_PIXELS): Size[] {
  assertSize(source);
  assertSize(target);
  if (target.width > source.width || target.height > source.height)
    throw new RangeError('downscalePlan only scales down');
  if (target.width * target.height > maxCanvasPixels) throw new RangeError('the target is over the canvas limit');
  // Scales by the long edge, the one least disturbed by rounding (1052 × 64 → 64 × 4 is 1/16.4, not 1/16).
  const long = (size: Size) => Math.max(size.width, size.height);
  const finalScale = long(target) / long(source);
  // The largest scale whose canvas is within the limit (a source can be over it: 48 MP cameras).
  const fitScale = Math.min(1, Math.sqrt(maxCanvasPixels / (source.width * source.height)));
  const steps: Size[] = [];
  let scale = 1;
  while (scale / 2 >= finalScale) {
    scale = Math.min(scale / 2, fitScale);
    let step = scaled(source, scale);
    if (step.width * step.height > maxCanvasPixels) step = scaled(source, scale, Math.floor);
    // A halving that lands on (or, by rounding, below) the target: the final step takes over.
    if (long(step) <= long(target)) break;
    steps.push(step);
  }
  if (source.width !== target.width || source.height !== target.height) steps.push({ ...target });
  return steps;
}

/** Where the watermark band and its lines go on a photo of `size` with `lineCount` lines. */
export interface WatermarkLayout {
  fontSize: number;
  lineHeight: number;
  padding: number;
  bandHeight: number;
  /** Top of the band (the band runs to the bottom edge). */
  bandTop: number;
}

/**
 * Text about 2.8 % of the short edge (34 px on a 1200 × 1600 photo, readable when the photo is
 * opened on a phone), at least 10 px, and never a band taller than 40 % of the photo.
 */
export function watermarkLayout(size: Size, lineCount: number): WatermarkLayout {
  assertSize(size);
  const lines = Math.max(1, lineCount);
  const LINE = 1.3;
  const PADDING = 0.6;
  const wanted = Math.min(size.width, size.height) * 0.028;
  const largestThatFits = (size.height * 0.4) / (lines * LINE + 2 * PADDING);
  const fontSize = Math.max(10, Math.floor(Math.min(wanted, largestThatFits)));
  const lineHeight = Math.round(fontSize * LINE);
  const padding = Math.round(fontSize * PADDING);
  const bandHeight = Math.min(size.height, lines * lineHeight + 2 * padding);
  return { fontSize, lineHeight, padding, bandHeight, bandTop: size.height - bandHeight };
}

function scaled(source: Size, scale: number, round: (value: number) => number = Math.round): Size {
  return {
    width: Math.max(1, round(source.width * scale)),
    height: Math.max(1, round(source.height * scale)),
  };
}

function assertSize(size: Size): void {
  if (!(Number.isInteger(size.width) && Number.isInteger(size.height) && size.width > 0 && size.height > 0))
    throw new RangeError(`not an image size: ${size.width} × ${size.height}`);
}
