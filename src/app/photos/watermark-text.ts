/**
 * The words of the watermark band, as pure functions (no canvas): the Shanghai date and time,
 * the GPS fix, the lines in their order, and shortening a line to the band's width with a
 * caller-supplied text measure. The burned-in text is evidence for people looking at the photo;
 * the same facts are kept as data beside it, because pixels can be faked.
 */
import { cityDateTime } from '../../domain/dates';
import type { GpsFix, PhotoStamp } from './photo-protocol';

/** Font stack of the band: the system's CJK fonts, never a web font (docs/ARCHITECTURE.md, "Design notes"). */
export const WATERMARK_FONT_FAMILY = '"PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif';

/** The marker drawn in front of the first line of an after-photo. */
export const RECHECK_MARKER = '复查';

/** The marker of a responsible unit's photo (its after-photo or an objection's evidence). */
export const UNIT_MARKER = '整改';

/** `34.7466,113.6254 ±12m`: four decimals (about 11 m), accuracy in whole metres when known. */
export function formatGps(gps: GpsFix): string {
  const position = `${gps.lat.toFixed(4)},${gps.lng.toFixed(4)}`;
  return Number.isFinite(gps.accuracy) && gps.accuracy >= 0 ? `${position} ±${Math.round(gps.accuracy)}m` : position;
}

function isUsableFix(gps: GpsFix | undefined): gps is GpsFix {
  return (
    gps !== undefined &&
    Number.isFinite(gps.lat) &&
    Number.isFinite(gps.lng) &&
    Math.abs(gps.lat) <= 90 &&
    Math.abs(gps.lng) <= 180
  );
}

export interface WatermarkText {
  /** "复查" for an after-photo of a recheck ("整改" for a unit's), drawn as a badge before the first line. */
  marker: string | undefined;
  /** Top to bottom: site, item, date and time with the inspector, GPS when known. */
  lines: string[];
}

const clean = (text: string) => text.replace(/\s+/g, ' ').trim();

export function watermarkText(stamp: PhotoStamp): WatermarkText {
  // A resident's photo is no inspection evidence: the time it was taken, nothing of the office's.
  if (stamp.kind === 'citizen') return { marker: undefined, lines: [cityDateTime(stamp.takenAt)] };
  const lines = [
    clean(stamp.siteName),
    clean(stamp.itemLabel),
    `${cityDateTime(stamp.takenAt)}  ${clean(stamp.inspectorName)}`,
  ];
  if (isUsableFix(stamp.gps)) lines.push(formatGps(stamp.gps));
  return {
    marker: stamp.kind === 'recheck' ? RECHECK_MARKER : stamp.kind === 'unit' ? UNIT_MARKER : undefined,
    lines: lines.filter((line) => line.length > 0),
  };
}

/**
 * The longest prefix of `text` (by code points, so no half surrogate pair) that fits `maxWidth`
 * with "…" appended, or `text` itself when it fits. `measure` is the canvas's measureText width.
 */
export function fitText(text: string, maxWidth: number, measure: (text: string) => number): string {
  if (measure(text) <= maxWidth) return text;
  const chars = Array.from(text);
  let low = 0;
  let high = chars.length;
  // Binary search for the most characters that still fit together with the ellipsis.
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (measure(`${chars.slice(0, middle).join('')}…`) <= maxWidth) low = middle;
    else high = middle - 1;
  }
  return `${chars.slice(0, low).join('')}…`;
}
