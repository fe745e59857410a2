/**
 * Citizens' reports (issue #20): what a resident (or a 市民记者) sends from the public report
 * page, the office's decisions on it, and the rules both sides share — categories, statuses,
 * the proof of work, the limits, deadlines and the handling figures. Shared by the phone (before
 * it sends) and the server (when it receives), like wire.ts.
 */
import * as z from 'zod/mini';
import { addDays, cityDate } from './dates';
import { codeSchema, instantSchema, sha256Schema, uuidSchema } from './wire';

/** Categories phrased for residents; the words are the app's (i18n `citizen.category.*`). */
export const CITIZEN_CATEGORIES = [
  'closed_when_open', // 未按时开放/关门落锁
  'posters_damaged', // 公益广告破损或缺失
  'unclean', // 卫生差
  'unattended', // 无人值守
  'facility_damaged', // 设施损坏
  'other', // 其他
] as const;
export type CitizenCategory = (typeof CITIZEN_CATEGORIES)[number];

/**
 * new: waiting for 受理; accepted: 受理 (possibly turned into a spot check); closed: 办结 with a
 * reply; rejected: 不予受理 with a reason; merged: a duplicate, handled with another report.
 */
export const CITIZEN_STATUSES = ['new', 'accepted', 'closed', 'rejected', 'merged'] as const;
export type CitizenStatus = (typeof CITIZEN_STATUSES)[number];

export const CITIZEN_DESCRIPTION_MAX = 500;
export const CITIZEN_REPLY_MAX = 500;
export const CITIZEN_PHOTOS_MAX = 3;
/** A resized photo of the pipeline is well under 1 MiB; 3 MiB leaves room and bounds a flood. */
export const CITIZEN_PHOTO_MAX_BYTES = 3 * 1024 * 1024;

/**
 * Plain text only: no markup and no links (a resident's text is read by the office, never shown
 * publicly; links are the spammer's payload). Control characters other than line breaks and tabs
 * are refused too.
 */
const MARKUP = /<\s*[a-z!/?]/i;
const LINK = /(?:https?:\/\/|www\.|\b[a-z0-9-]+\.(?:com|cn|net|org|top|xyz|cc)\b)/i;
// eslint-disable-next-line no-control-regex -- control characters are exactly what this finds
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** True for text a resident may send: no markup, no links, no control or direction characters. */
export function isPlainText(text: string): boolean {
  return !MARKUP.test(text) && !LINK.test(text) && !CONTROL.test(text);
}

/** Mainland mobile numbers (11 digits from 1) or a landline with its area code. */
export const PHONE = /^(?:1\d{10}|0\d{2,3}-?\d{7,8})$/;

/** `138****5678`: how the office sees a resident's phone number. */
export function maskPhone(phone: string): string {
  if (phone.length <= 7) return `${phone.slice(0, 2)}****`;
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

export const citizenPhotoSchema = z.object({
  sha256: sha256Schema,
  /** The small copy the pipeline made, uploaded like the photo, for the office's queue. */
  thumbnail: z.optional(sha256Schema),
  capturedAt: instantSchema,
});
export type CitizenPhoto = z.infer<typeof citizenPhotoSchema>;

/** The report as the phone freezes it: the body compared for idempotency. */
export const citizenReportSchema = z.object({
  id: uuidSchema,
  siteId: codeSchema,
  category: z.enum(CITIZEN_CATEGORIES),
  description: z.string().check(z.trim(), z.minLength(1), z.maxLength(CITIZEN_DESCRIPTION_MAX)),
  phone: z.optional(z.string().check(z.regex(PHONE, 'must be a mobile number or a landline with its area code'))),
  photos: z.array(citizenPhotoSchema).check(z.maxLength(CITIZEN_PHOTOS_MAX)),
  createdAt: instantSchema,
});
export type CitizenReport = z.infer<typeof citizenReportSchema>;

/** The proof that goes beside the report (not part of its content: a retry may carry another). */
export const proofSchema = z.object({
  challenge: z.string().check(z.minLength(10), z.maxLength(400)),
  nonce: z.string().check(z.regex(/^[0-9a-z]{1,16}$/, 'must be 1–16 lowercase letters or digits')),
});
export type Proof = z.infer<typeof proofSchema>;

/** `POST /api/public/reports`: the report and, from a resident, its proof of work. */
export const citizenReportRequestSchema = z.object({
  report: citizenReportSchema,
  proof: z.optional(proofSchema),
});
export type CitizenReportRequest = z.infer<typeof citizenReportRequestSchema>;

export const ratingSchema = z.object({ rating: z.int().check(z.gte(1), z.lte(5)) });

const replyText = z.string().check(z.trim(), z.minLength(1), z.maxLength(CITIZEN_REPLY_MAX));
/** `POST /api/citizen-reports/{id}/decisions`: one of the office's actions. */
export const citizenDecisionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('accept') }),
  z.object({ action: z.literal('merge'), into: uuidSchema }),
  z.object({ action: z.literal('reject'), reason: replyText }),
  z.object({ action: z.literal('spot_check'), roundId: codeSchema, inspectorId: codeSchema }),
  z.object({ action: z.literal('close'), reply: replyText }),
  z.object({ action: z.literal('hand_over') }),
]);
export type CitizenDecision = z.infer<typeof citizenDecisionSchema>;

/**
 * `PUT /api/unit/citizen-answers/{id}`: what a responsible unit did about a report handed to it
 * (交办). The id is made on the unit's device; the office reads the answer and replies to the
 * resident itself. Photos are the unit's own uploads (`PUT /api/photos`).
 */
export const citizenUnitAnswerSchema = z.object({
  id: uuidSchema,
  reportId: uuidSchema,
  note: z.string().check(z.trim(), z.minLength(1), z.maxLength(2000)),
  photos: z.array(sha256Schema).check(z.maxLength(20)),
  answeredAt: instantSchema,
});
export type CitizenUnitAnswer = z.infer<typeof citizenUnitAnswerSchema>;

export const citizenSettingsSchema = z.object({ closeDays: z.int().check(z.gte(1), z.lte(60)) });
export type CitizenSettings = z.infer<typeof citizenSettingsSchema>;
export const DEFAULT_CLOSE_DAYS = 10;

// ---------------------------------------------------------------------------------------------
// Proof of work.

/**
 * Leading zero bits a resident's proof needs: SHA-256(`${challenge}:${reportId}:${nonce}`)
 * must start with this many zero bits, 2^14 ≈ 16,000 hashes on average. Web Crypto (one async
 * call per hash) measured about 45,000 hashes a second on one core of the build machine, so
 * about 0.4 s per report there; a cheap phone several times slower still sends within a few
 * seconds, in a worker. A flooder pays it per report on top of the limits, which stay the real
 * bound (docs/API.md "Citizens' reports").
 */
export const PROOF_BITS = 14;

export { leadingZeroBits, proofInput } from './proof';

// ---------------------------------------------------------------------------------------------
// Limits (docs/API.md "Public reports").

export interface ReportLimits {
  perHour: number;
  perDay: number;
  /** Reports about one site per day from everyone of this kind together. */
  perSiteDay: number;
}
/** Residents: counted per address (a carrier NAT shares one, hence not lower). */
export const RESIDENT_LIMITS: ReportLimits = { perHour: 5, perDay: 20, perSiteDay: 30 };
/** 市民记者: counted per account. */
export const REPORTER_LIMITS: ReportLimits = { perHour: 30, perDay: 100, perSiteDay: 20 };

// ---------------------------------------------------------------------------------------------
// Deadlines.

/** The next working day (Monday–Friday) after a date; public holidays are not known here. */
export function nextWorkingDay(isoDate: string): string {
  let next = addDays(isoDate, 1);
  while (isWeekend(next)) next = addDays(next, 1);
  return next;
}

function isWeekend(isoDate: string): boolean {
  const day = new Date(`${isoDate}T00:00:00Z`).getUTCDay();
  return day === 0 || day === 6;
}

/** 受理 is due by the end of the next working day after the report arrived (Shanghai). */
export const acceptDueOn = (receivedAt: string) => nextWorkingDay(cityDate(receivedAt));
/** 办结 is due the office's number of days after 受理. */
export const closeDueOn = (acceptedAt: string, closeDays: number) => addDays(cityDate(acceptedAt), closeDays);

// ---------------------------------------------------------------------------------------------
// Views.

/** What the resident's phone reads back (`GET /api/public/reports/{id}`): their own report only. */
export interface CitizenReportStatusView {
  id: string;
  code: string;
  status: CitizenStatus;
  siteName: string;
  category: CitizenCategory;
  receivedAt: string;
  /** The office's reply (办结) or reason (不予受理); for a merged report, the reply of the one it joined. */
  reply: string | null;
  closedAt: string | null;
  rating: number | null;
}

/** A report in the office's queue (`GET /api/citizen-reports`). */
export interface CitizenReportView {
  id: string;
  code: string;
  siteId: string;
  siteName: string;
  district: string;
  category: CitizenCategory;
  description: string;
  /** Masked: `138****5678`. */
  phone: string | null;
  photos: CitizenPhoto[];
  /** Photos whose bytes have arrived (the others are still on the resident's phone). */
  receivedPhotos: string[];
  trusted: boolean;
  reporterName: string | null;
  status: CitizenStatus;
  createdAt: string;
  receivedAt: string;
  acceptDueOn: string;
  acceptedAt: string | null;
  closeDueOn: string | null;
  closedAt: string | null;
  reply: string | null;
  mergedInto: string | null;
  spotCheck: { roundId: string; inspectorId: string; inspectorName: string } | null;
  /** 交办: handed to the units answering for the site, with what they answered. */
  handover: CitizenHandoverView | null;
  rating: number | null;
}

export interface CitizenUnitAnswerView {
  id: string;
  note: string;
  photos: string[];
  answeredAt: string;
  answeredBy: string;
}

export interface CitizenHandoverView {
  at: string;
  byName: string;
  /** The unit accounts answering for the site now (by site or district). */
  units: string[];
  answers: CitizenUnitAnswerView[];
}

/**
 * A handed-over report as a responsible unit reads it (`GET /api/unit/citizen-reports`): what
 * the resident saw and photographed, never who they are (no phone number, no reporter).
 * `state`: `handed_over` (待处理), `answered` (已反馈), `closed` (the office replied: 已办结).
 */
export interface UnitCitizenReportView {
  id: string;
  code: string;
  siteId: string;
  siteName: string;
  district: string;
  category: CitizenCategory;
  description: string;
  photos: CitizenPhoto[];
  receivedPhotos: string[];
  receivedAt: string;
  handedOverAt: string;
  closeDueOn: string | null;
  state: 'handed_over' | 'answered' | 'closed';
  closedAt: string | null;
  answers: CitizenUnitAnswerView[];
}

/** `GET /api/citizen-reports/reporters`: each 市民记者's accepted reports, for recognition. */
export interface ReporterRecord {
  userId: string;
  displayName: string;
  accepted: number;
  reports: { id: string; code: string; siteName: string; receivedAt: string; status: CitizenStatus }[];
}

/** Public handling figures per district (`GET /api/public/handling`). */
export interface DistrictHandling {
  district: string;
  /** Reports counted (merged duplicates are not). */
  received: number;
  /** 受理率: accepted or closed, of those received; null when none were received. */
  acceptedRate: number | null;
  /** 办结率: closed, of those accepted or closed. */
  closedRate: number | null;
  /** Average hours from receipt to 办结, one decimal. */
  averageHoursToClose: number | null;
  /** Average rating (1–5) of the rated ones, two decimals. */
  satisfaction: number | null;
  rated: number;
}

export interface HandlingInput {
  district: string;
  status: CitizenStatus;
  receivedAt: string;
  closedAt: string | null;
  rating: number | null;
}

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

/** The figures per district, districts in name order. */
export function handlingFigures(reports: readonly HandlingInput[]): DistrictHandling[] {
  const byDistrict = new Map<string, HandlingInput[]>();
  for (const report of reports) {
    if (report.status === 'merged') continue;
    byDistrict.set(report.district, [...(byDistrict.get(report.district) ?? []), report]);
  }
  return [...byDistrict.entries()]
    .sort(([a], [b]) => a.localeCompare(b, 'zh-CN'))
    .map(([district, list]) => {
      const accepted = list.filter((r) => r.status === 'accepted' || r.status === 'closed');
      const closed = list.filter((r) => r.status === 'closed' && r.closedAt);
      const rated = list.filter((r) => r.rating !== null);
      const hours = closed.map((r) => (Date.parse(r.closedAt!) - Date.parse(r.receivedAt)) / 3_600_000);
      return {
        district,
        received: list.length,
        acceptedRate: list.length ? round(accepted.length / list.length, 4) : null,
        closedRate: accepted.length ? round(closed.length / accepted.length, 4) : null,
        averageHoursToClose: hours.length ? round(hours.reduce((a, b) => a + b, 0) / hours.length, 1) : null,
        satisfaction: rated.length ? round(rated.reduce((a, r) => a + r.rating!, 0) / rated.length, 2) : null,
        rated: rated.length,
      };
    });
}
