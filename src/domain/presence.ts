/**
 * Proof of presence (到场核验, issue #18): the checks the server runs on each inspection when it
 * arrives, as flags. A flag warns the office; it never blocks a submission nor changes a score.
 * The server gathers the facts (the site's position, the round's radius and dates, the photos'
 * earlier uses) and calls `presenceFlags`; the result is stored with the inspection, so lists
 * read flags without recomputing them. Codes with data: screens word them (office i18n).
 */
import { cityDate } from './dates';

/** When the phone took a position fix. */
export const FIX_STAGES = ['open', 'photo', 'submit'] as const;
export type FixStage = (typeof FIX_STAGES)[number];

export interface PositionFix {
  lat: number;
  lng: number;
  /** Metres (the browser's 95 % radius); absent on fixes of old phones. */
  accuracy?: number | undefined;
  /** ISO instant the fix was taken; absent for the legacy `location`. */
  at?: string | undefined;
  stage?: FixStage | undefined;
}

export const PHOTO_SOURCES = ['camera', 'gallery'] as const;
export type PhotoSource = (typeof PHOTO_SOURCES)[number];

/** A photo as the checks see it: what the phone recorded (`photoMeta`) beside its hash. */
export interface PhotoFacts {
  sha256: string;
  /** The watermark's time: when the phone took or chose the photo. */
  capturedAt?: string | undefined;
  /** The photo's own capture time (EXIF DateTimeOriginal), as an instant. */
  exifAt?: string | undefined;
  source?: PhotoSource | undefined;
  /** Where the photo was used before at another site or in another round (the server looks). */
  usedElsewhere?: readonly PhotoUse[] | undefined;
}

export interface PhotoUse {
  inspectionId: string;
  roundId: string;
  siteId: string;
}

/** The default radius around a site within which a fix counts as on site (metres). */
export const DEFAULT_PRESENCE_RADIUS_M = 200;
/** An EXIF time further than this from the watermark's time is flagged. */
export const EXIF_TOLERANCE_MINUTES = 10;

export const PRESENCE_FLAG_CODES = [
  'no_fix',
  'far_from_site',
  'no_site_position',
  'site_position_from_phone',
  'gallery_photo',
  'reused_photo',
  'capture_time_mismatch',
  'capture_outside_round',
] as const;
export type PresenceFlagCode = (typeof PRESENCE_FLAG_CODES)[number];

/**
 * One flag: `{code, ...data}`. The data say what the office needs to judge it:
 * - `far_from_site`: the furthest fix beyond the radius (`distanceM`, its `accuracyM`, `stage`,
 *   `at`), the round's `radiusM`, and how many of `fixes` were beyond.
 * - photo flags: the photos concerned, each with what was found.
 */
export type PresenceFlag =
  | { code: 'no_fix' }
  | {
      code: 'far_from_site';
      distanceM: number;
      radiusM: number;
      accuracyM: number;
      stage: FixStage | null;
      at: string | null;
      beyond: number;
      fixes: number;
    }
  | { code: 'no_site_position' }
  | { code: 'site_position_from_phone' }
  | { code: 'gallery_photo'; photos: string[] }
  | { code: 'reused_photo'; photos: { sha256: string; uses: PhotoUse[] }[] }
  | {
      code: 'capture_time_mismatch';
      photos: { sha256: string; exifAt: string; capturedAt: string; minutes: number }[];
    }
  | { code: 'capture_outside_round'; startsOn: string; endsOn: string; photos: { sha256: string; exifAt: string }[] };

export interface PresenceInput {
  site: { lat: number | null; lng: number | null };
  /** The site's position was set by this very inspection, from the phone's fix. */
  sitePositionFromPhone: boolean;
  round: { radiusM: number; startsOn: string; endsOn: string };
  fixes: readonly PositionFix[];
  photos: readonly PhotoFacts[];
}

export interface PresenceResult {
  flags: PresenceFlag[];
  /** Seconds from the first to the last photo's watermark time; null with fewer than two photos. */
  timeOnSiteS: number | null;
}

const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres (haversine; plenty for a few kilometres). */
export function distanceM(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function presenceFlags(input: PresenceInput): PresenceResult {
  const flags: PresenceFlag[] = [
    ...positionFlags(input),
    ...galleryFlags(input.photos),
    ...reuseFlags(input.photos),
    ...captureTimeFlags(input.photos, input.round),
  ];
  return { flags, timeOnSiteS: timeOnSite(input.photos) };
}

function positionFlags({ site, sitePositionFromPhone, round, fixes }: PresenceInput): PresenceFlag[] {
  if (fixes.length === 0) return [{ code: 'no_fix' }];
  if (site.lat === null || site.lng === null) return [{ code: 'no_site_position' }];
  const siteAt = { lat: site.lat, lng: site.lng };
  const flags: PresenceFlag[] = sitePositionFromPhone ? [{ code: 'site_position_from_phone' }] : [];
  // A fix counts as on site when the site is within its accuracy circle widened by the radius.
  const measured = fixes.map((fix) => {
    const distance = distanceM(siteAt, fix);
    const accuracy = fix.accuracy ?? 0;
    return { fix, distance, accuracy, excess: distance - round.radiusM - accuracy };
  });
  const beyond = measured.filter((m) => m.excess > 0);
  if (beyond.length === 0) return flags;
  const worst = beyond.reduce((a, b) => (b.excess > a.excess ? b : a));
  flags.push({
    code: 'far_from_site',
    distanceM: Math.round(worst.distance),
    radiusM: round.radiusM,
    accuracyM: Math.round(worst.accuracy),
    stage: worst.fix.stage ?? null,
    at: worst.fix.at ?? null,
    beyond: beyond.length,
    fixes: fixes.length,
  });
  return flags;
}

function galleryFlags(photos: readonly PhotoFacts[]): PresenceFlag[] {
  const gallery = photos.filter((photo) => photo.source === 'gallery').map((photo) => photo.sha256);
  return gallery.length > 0 ? [{ code: 'gallery_photo', photos: gallery }] : [];
}

function reuseFlags(photos: readonly PhotoFacts[]): PresenceFlag[] {
  const reused = photos
    .filter((photo) => (photo.usedElsewhere?.length ?? 0) > 0)
    .map((photo) => ({ sha256: photo.sha256, uses: [...photo.usedElsewhere!] }));
  return reused.length > 0 ? [{ code: 'reused_photo', photos: reused }] : [];
}

function captureTimeFlags(photos: readonly PhotoFacts[], round: PresenceInput['round']): PresenceFlag[] {
  const mismatched: { sha256: string; exifAt: string; capturedAt: string; minutes: number }[] = [];
  const outside: { sha256: string; exifAt: string }[] = [];
  for (const { sha256, exifAt, capturedAt } of photos) {
    if (!exifAt) continue;
    if (capturedAt) {
      const minutes = Math.round(Math.abs(Date.parse(exifAt) - Date.parse(capturedAt)) / 60_000);
      if (minutes > EXIF_TOLERANCE_MINUTES) mismatched.push({ sha256, exifAt, capturedAt, minutes });
    }
    const day = cityDate(exifAt);
    if (day < round.startsOn || day > round.endsOn) outside.push({ sha256, exifAt });
  }
  const flags: PresenceFlag[] = [];
  if (mismatched.length > 0) flags.push({ code: 'capture_time_mismatch', photos: mismatched });
  if (outside.length > 0)
    flags.push({ code: 'capture_outside_round', startsOn: round.startsOn, endsOn: round.endsOn, photos: outside });
  return flags;
}

function timeOnSite(photos: readonly PhotoFacts[]): number | null {
  const times = photos.flatMap((photo) => (photo.capturedAt ? [Date.parse(photo.capturedAt)] : []));
  if (times.length < 2) return null;
  return Math.round((Math.max(...times) - Math.min(...times)) / 1000);
}

/** Flags as stored (`flags_json`): null for an inspection stored before the checks existed. */
export function storedFlags(json: string | null): PresenceFlag[] | null {
  return json === null ? null : (JSON.parse(json) as PresenceFlag[]);
}

/** The flags' short Chinese names, for sheets (the screens word them through i18n). */
export const PRESENCE_FLAG_SHORT_ZH: Record<PresenceFlagCode, string> = {
  no_fix: '无定位',
  far_from_site: '距点位过远',
  no_site_position: '点位无坐标',
  site_position_from_phone: '点位坐标取自手机',
  gallery_photo: '相册照片',
  reused_photo: '照片重复使用',
  capture_time_mismatch: '拍摄时间与水印不符',
  capture_outside_round: '拍摄日期不在轮次内',
};

/** One sheet cell: the flags' names, `；`-separated; 未核验 for an inspection never checked. */
export function flagsCell(flags: readonly PresenceFlag[] | null | undefined): string {
  if (flags === null || flags === undefined) return '未核验';
  return flags.map((flag) => PRESENCE_FLAG_SHORT_ZH[flag.code]).join('；');
}
