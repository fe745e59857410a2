/**
 * The v1 wire format of API.md as zod schemas, shared by the app (before it sends) and the
 * server (when it receives). Built on `zod/mini` to keep the phone's bundle small.
 * Checks that need the rubric (every item answered once, allowed grades) live in
 * `inspection-rules.ts`; these schemas only check shape and ranges.
 */
import * as z from 'zod/mini';
import { ANSWER_GRADES } from './grades';
import { CODE, SHA256 } from './ids';
import { isValidIsoDate } from './dates';
import { RUBRIC_ITEM_ID, RUBRIC_VERSION, SITE_TYPES } from './rubric';
import type { DistrictTally } from './report';
import { FIX_STAGES, PHOTO_SOURCES, type PresenceFlag } from './presence';

export const API_VERSION = 1;

/**
 * `unit`: a responsible unit (责任单位), scoped to districts or sites.
 * `reporter`: a 市民记者, an account the office creates; reports with higher limits, marked trusted.
 */
export const ROLES = ['admin', 'supervisor', 'inspector', 'rechecker', 'unit', 'reporter'] as const;
export type Role = (typeof ROLES)[number];

export { CODE, SHA256 } from './ids';

export const codeSchema = z.string().check(z.regex(CODE, 'must be 1–64 letters, digits, ".", "_" or "-"'));
export const sha256Schema = z.string().check(z.regex(SHA256, 'must be 64 lowercase hex digits'));
export const uuidSchema = z.uuid();
/**
 * From 1970 through 2998 only: a phone whose clock was reset says 1970 and is still taken, while
 * a time before that or far ahead is no time an inspection happened, and has no due date in
 * Shanghai that `YYYY-MM-DD` can write (year 99; year 10000 on the last evening of 9999).
 */
const EARLIEST_INSTANT = Date.UTC(1970, 0, 1);
const INSTANTS_END = Date.UTC(2999, 0, 1);
export const instantSchema = z.iso.datetime({ offset: true }).check(
  z.refine((value) => {
    const at = Date.parse(value);
    return at >= EARLIEST_INSTANT && at < INSTANTS_END;
  }, 'must be a time from 1970 through 2998'),
);
export const dateSchema = z
  .string()
  .check(z.refine((value) => isValidIsoDate(value), 'must be a date written YYYY-MM-DD'));
const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const note = z.optional(z.string().check(z.maxLength(2000)));

export const siteTypeSchema = z.enum(SITE_TYPES);
export const roleSchema = z.enum(ROLES);

export const siteSchema = z.object({
  id: codeSchema,
  name: text(100),
  type: siteTypeSchema,
  district: text(50),
  parentId: z.optional(z.nullable(codeSchema)),
  address: z.optional(z.nullable(z.string().check(z.maxLength(200)))),
  lat: z.optional(z.nullable(z.number().check(z.gte(-90), z.lte(90)))),
  lng: z.optional(z.nullable(z.number().check(z.gte(-180), z.lte(180)))),
});
/** As the server shows it, `positionSource` says where the coordinates came from (proof of presence). */
export type Site = z.infer<typeof siteSchema> & { positionSource?: 'office' | 'phone' | null };
export const sitesUpsertSchema = z.array(siteSchema).check(z.minLength(1), z.maxLength(5000));

const roundFields = {
  name: text(100),
  rubricVersion: z.string().check(z.regex(RUBRIC_VERSION)),
  rectifyBelow: z.number().check(z.gte(0), z.lte(100)),
  rectifyDays: z.int().check(z.gte(1), z.lte(365)),
  startsOn: dateSchema,
  endsOn: dateSchema,
  /** Proof of presence: a fix further than this (plus its accuracy) from the site is flagged. */
  presenceRadiusM: z.int().check(z.gte(10), z.lte(10_000)),
};
const endsAfterStart = z.refine<{ startsOn: string; endsOn: string }>((round) => round.endsOn >= round.startsOn, {
  message: 'endsOn must not be before startsOn',
  path: ['endsOn'],
});

export const roundInputSchema = z
  .object({
    ...roundFields,
    id: z.optional(codeSchema),
    rectifyDays: z._default(roundFields.rectifyDays, 15),
    /**
     * Only approved results count (审核, issue #18). Absent means `false`: a v1 client that never
     * heard of review still sees its results counted as they arrive (../shared/API.md). The
     * office's round form sends `true` for a new round, its default.
     */
    approvedOnly: z._default(z.boolean(), false),
    presenceRadiusM: z._default(roundFields.presenceRadiusM, 200),
  })
  .check(endsAfterStart);
export type RoundInput = z.input<typeof roundInputSchema>;
/** `approvedOnly` and `presenceRadiusM` are optional here: bootstraps kept by phones before they existed lack them. */
export type Round = Omit<z.output<typeof roundInputSchema>, 'approvedOnly' | 'presenceRadiusM'> & {
  id: string;
  createdAt: string;
  approvedOnly?: boolean;
  presenceRadiusM?: number;
};

/**
 * `PATCH /api/rounds/{roundId}`: any of the round's fields; the server merges them into the
 * stored round and validates the result with `roundInputSchema` (so `endsOn ≥ startsOn` holds).
 */
export const roundPatchSchema = z.object({
  name: z.optional(roundFields.name),
  rubricVersion: z.optional(roundFields.rubricVersion),
  rectifyBelow: z.optional(roundFields.rectifyBelow),
  rectifyDays: z.optional(roundFields.rectifyDays),
  startsOn: z.optional(roundFields.startsOn),
  endsOn: z.optional(roundFields.endsOn),
  approvedOnly: z.optional(z.boolean()),
  presenceRadiusM: z.optional(roundFields.presenceRadiusM),
});
export type RoundPatch = z.infer<typeof roundPatchSchema>;

/** Where a round's rectification period starts: the inspection (as before #17) or the dispatch (交办). */
export const DUE_FROM = ['inspection', 'dispatch'] as const;
export type DueFrom = (typeof DUE_FROM)[number];

/**
 * `PATCH /api/rounds/{roundId}/unit-settings`: how a round treats responsible units (#17):
 * `dueFrom` and the days after dispatch a unit may object (申诉, default 3).
 */
export const unitSettingsSchema = z.object({
  dueFrom: z.optional(z.enum(DUE_FROM)),
  objectionDays: z.optional(z.int().check(z.gte(0), z.lte(60))),
});
export type UnitSettings = { dueFrom: DueFrom; objectionDays: number };

/** `PUT /api/users/{userId}/responsibilities`: the districts and sites a unit answers for. */
export const responsibilitiesSchema = z.object({
  districts: z.array(text(50)).check(z.maxLength(100)),
  siteIds: z.array(codeSchema).check(z.maxLength(5000)),
});
export type Responsibilities = z.infer<typeof responsibilitiesSchema>;

/** `POST /api/rounds/{roundId}/dispatch`: all undispatched open items, a district's, or the listed ones. */
export const dispatchSchema = z.object({
  district: z.optional(text(50)),
  rectificationIds: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(200))).check(z.maxLength(5000))),
});
export type DispatchInput = z.infer<typeof dispatchSchema>;

/** `PUT /api/unit/answers/{id}`: the unit's answer on one item (整改反馈), sent through the outbox. */
export const unitAnswerSchema = z.object({
  id: uuidSchema,
  rectificationId: z.string().check(z.minLength(1), z.maxLength(200)),
  action: text(2000),
  note,
  photos: z.array(sha256Schema).check(z.minLength(1), z.maxLength(20)),
  answeredAt: instantSchema,
});
export type UnitAnswer = z.infer<typeof unitAnswerSchema>;

export const UNIT_REQUEST_KINDS = ['extension', 'return', 'objection'] as const;
export type UnitRequestKind = (typeof UNIT_REQUEST_KINDS)[number];

/** `PUT /api/unit/requests/{id}`: 延期 (with the date asked for), 回退, or 申诉 (with evidence photos). */
export const unitRequestSchema = z
  .object({
    id: uuidSchema,
    rectificationId: z.string().check(z.minLength(1), z.maxLength(200)),
    kind: z.enum(UNIT_REQUEST_KINDS),
    reason: text(2000),
    dueOn: z.optional(dateSchema),
    photos: z._default(z.array(sha256Schema).check(z.maxLength(20)), []),
    requestedAt: instantSchema,
  })
  .check(
    z.refine((request) => (request.kind === 'extension') === (request.dueOn !== undefined), {
      message: 'dueOn is required for an extension and only there',
      path: ['dueOn'],
    }),
  );
export type UnitRequest = z.output<typeof unitRequestSchema>;

/** `POST /api/unit-requests/{id}/decision`: the office approves or refuses, always with a reason. */
export const unitDecisionSchema = z.object({
  decision: z.enum(['approve', 'refuse']),
  reason: text(2000),
  /** An upheld objection's corrected grade (default A: the deduction falls). */
  grade: z.optional(z.enum(['A', 'B', 'C'])),
});
export type UnitDecision = z.infer<typeof unitDecisionSchema>;

export const assignmentSchema = z.object({ siteId: codeSchema, userId: codeSchema });
export type Assignment = z.infer<typeof assignmentSchema>;

/**
 * `GET /api/bootstrap`'s `results`: the current result (latest inspection, whoever made it) of a
 * site assigned to the field user, so that a phone without that work says the site is done.
 */
export interface AssignedSiteResult {
  roundId: string;
  siteId: string;
  inspectionId: string;
  inspectorId: string;
  inspectorName: string;
  submittedAt: string;
  score: number;
}
export const assignmentsSchema = z.array(assignmentSchema).check(z.minLength(1), z.maxLength(5000));

export const usernameSchema = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9._-]{1,31}$/i, 'username: 2–32 letters, digits, ".", "_" or "-"'));
export const passwordSchema = z
  .string()
  .check(z.minLength(8, 'password must have at least 8 characters'), z.maxLength(200));

export const sessionRequestSchema = z.object({
  username: z.string().check(z.minLength(1), z.maxLength(64)),
  password: z.string().check(z.minLength(1), z.maxLength(200)),
});
/** `PUT /api/session/password`: the signed-in user's own password. */
export const passwordChangeSchema = z.object({
  currentPassword: z.string().check(z.minLength(1), z.maxLength(200)),
  newPassword: passwordSchema,
});
export const userInputSchema = z.object({
  username: usernameSchema,
  password: passwordSchema,
  displayName: text(50),
  role: roleSchema,
});
export type UserInput = z.infer<typeof userInputSchema>;
export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
}

export const locationSchema = z.object({
  lat: z.number().check(z.gte(-90), z.lte(90)),
  lng: z.number().check(z.gte(-180), z.lte(180)),
  accuracy: z.optional(z.number().check(z.gte(0))),
});

export const answerSchema = z.object({
  itemId: z.string().check(z.regex(RUBRIC_ITEM_ID, 'unknown item id')),
  grade: z.enum(ANSWER_GRADES),
  defects: z.optional(z.int().check(z.gte(0), z.lte(1000))),
  note,
  photos: z._default(z.array(sha256Schema).check(z.maxLength(20)), []),
});
export type Answer = z.output<typeof answerSchema>;

/**
 * What the device knew about one photo when it was taken (capture time, GPS), sent beside the
 * answers as `photoMeta: {"<sha256>": {capturedAt, lat?, lng?, accuracy?}}`. Optional: older
 * clients send none, and the burned-in watermark still shows the same facts.
 */
export const photoMetaSchema = z.object({
  capturedAt: instantSchema,
  lat: z.optional(z.number().check(z.gte(-90), z.lte(90))),
  lng: z.optional(z.number().check(z.gte(-180), z.lte(180))),
  accuracy: z.optional(z.number().check(z.gte(0), z.lte(100_000))),
  /** Proof of presence: taken with the camera or chosen from the gallery. */
  source: z.optional(z.enum(PHOTO_SOURCES)),
  /** The photo's own capture time (EXIF DateTimeOriginal), as an instant. */
  exifAt: z.optional(instantSchema),
  /** SHA-256 of the untouched file as picked: the same picture chosen twice has the same one. */
  sourceSha256: z.optional(sha256Schema),
  /** The inspector drew on it (circle, arrow, text) before it was stored. */
  markedUp: z.optional(z.boolean()),
});
export type PhotoMeta = z.infer<typeof photoMetaSchema>;

/** A position fix the phone took while inspecting: when the checklist opened, at a photo, at submit. */
export const positionFixSchema = z.object({
  lat: z.number().check(z.gte(-90), z.lte(90)),
  lng: z.number().check(z.gte(-180), z.lte(180)),
  accuracy: z.number().check(z.gte(0), z.lte(100_000)),
  at: instantSchema,
  stage: z.enum(FIX_STAGES),
});
export type PositionFixInput = z.infer<typeof positionFixSchema>;
export const MAX_FIXES = 500;

export const THUMBNAIL_RULE = 'a thumbnail is given only for a photo of the answers';
export const inspectionSchema = z
  .object({
    id: uuidSchema,
    revision: z.int().check(z.gte(1), z.lte(10_000)),
    roundId: codeSchema,
    siteId: codeSchema,
    rubricVersion: z.string().check(z.regex(RUBRIC_VERSION)),
    startedAt: instantSchema,
    submittedAt: instantSchema,
    location: z.optional(z.nullable(locationSchema)),
    /** Proof of presence; optional, so older phones without fixes are still accepted. */
    fixes: z.optional(z.array(positionFixSchema).check(z.maxLength(MAX_FIXES))),
    /**
     * "Use this phone's position" for a site without coordinates: the server takes it only while
     * the site still has none, marks it as the phone's, and flags the inspection.
     */
    sitePosition: z.optional(locationSchema),
    answers: z.array(answerSchema).check(z.minLength(1), z.maxLength(200)),
    photoMeta: z.optional(
      z
        .record(sha256Schema, photoMetaSchema)
        .check(z.refine((meta) => Object.keys(meta).length <= 4000, 'at most 4000 photos')),
    ),
    /**
     * `thumbnails: {"<photo sha256>": "<thumbnail sha256>"}`: the small copy the device made of a
     * photo (long edge about 240 px), uploaded as a photo of its own, for the office to draw where
     * the full photo would be wasted bytes (the report's examples, the gallery). Optional: older
     * clients send none, and a photo without one is drawn from itself. Keys are photos of the answers.
     */
    thumbnails: z.optional(
      z
        .record(sha256Schema, sha256Schema)
        .check(z.refine((thumbnails) => Object.keys(thumbnails).length <= 4000, 'at most 4000 photos')),
    ),
  })
  .check(
    z.refine(
      (inspection) => {
        const cited = new Set(inspection.answers.flatMap((answer) => answer.photos ?? []));
        return Object.keys(inspection.thumbnails ?? {}).every((sha256) => cited.has(sha256));
      },
      { message: THUMBNAIL_RULE, path: ['thumbnails'] },
    ),
  );
export type Inspection = z.output<typeof inspectionSchema>;
export type InspectionInput = z.input<typeof inspectionSchema>;

export const VERDICTS = ['fixed', 'not_fixed'] as const;
export type Verdict = (typeof VERDICTS)[number];
/**
 * A recheck's fields, without the rule on photos: the server checks that rule only for a recheck
 * it has not stored yet, so that a retry of one stored before the rule existed (a photo-less
 * `not_fixed`) is still the 200 of a retry.
 */
export const recheckFieldsSchema = z.object({
  id: uuidSchema,
  rectificationId: z.string().check(z.minLength(1), z.maxLength(200)),
  verdict: z.enum(VERDICTS),
  note,
  photos: z.array(sha256Schema).check(z.maxLength(20)),
  checkedAt: instantSchema,
});
export const RECHECK_PHOTO_RULE = 'a verdict ("fixed" or "not_fixed") needs at least one after-photo';
export const recheckSchema = recheckFieldsSchema.check(
  // Either verdict is evidence: what was fixed, or what is still wrong, photographed on the visit.
  z.refine((recheck) => recheck.photos.length > 0, { message: RECHECK_PHOTO_RULE, path: ['photos'] }),
);
export type Recheck = z.infer<typeof recheckSchema>;

export interface SchemaIssue {
  path: string;
  message: string;
}

/** zod issues in the `issues: [{path, message}]` form of API.md. */
export function toSchemaIssues(error: {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}): SchemaIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

// ---------------------------------------------------------------------------------------------
// Responses: declared once here. The server checks the views it sends with `satisfies`; the
// app's API modules and the test harness read them.

/** A row of `GET /api/inspections`, and the summary fields of `GET /api/inspections/{id}`. */
export interface InspectionSummary {
  id: string;
  revision: number;
  roundId: string;
  siteId: string;
  inspectorId: string;
  submittedAt: string;
  receivedAt: string;
  score: number;
  fullMarks: boolean;
  /**
   * Proof-of-presence flags (the office's feed, `GET /api/rounds/{id}/inspections`): `[]` clean,
   * `null` never checked; absent elsewhere.
   */
  flags?: PresenceFlag[] | null;
}

/** The answer to `PUT /api/inspections/{id}`: the revision as stored and scored by the server. */
export type StoredInspection = Pick<InspectionSummary, 'id' | 'revision' | 'score' | 'fullMarks'>;

/** A user as the admin lists them (`GET /api/users`, `PATCH /api/users/{id}`). */
export interface UserView extends User {
  disabled: boolean;
}

/** `POST`/`GET /api/rounds/{id}/publication`: the round's ranking at its public link. */
export interface PublicationView {
  token: string;
  url: string;
  publishedAt: string;
}

/** `GET /api/public/rankings/{token}`: district figures only. */
export interface PublicRanking {
  round: { name: string; startsOn: string; endsOn: string };
  publishedAt: string;
  /** The issuing office the round's bulletin names (as saved now, not when published); null while never saved. */
  issuer: string | null;
  districts: Pick<
    DistrictTally,
    'district' | 'sites' | 'inspected' | 'fullMarks' | 'toRectify' | 'averageScore' | 'rank'
  >[];
}

/** One verdict of `GET /api/rectifications/{id}/rechecks` (oldest first). */
export interface RecheckHistoryEntry {
  id: string;
  rectificationId: string;
  verdict: Verdict;
  note: string | null;
  photos: string[];
  checkedAt: string;
  receivedAt: string;
  checkedBy: string;
  checkedByName: string;
}
