/**
 * The server's tables as TypeScript types: the `Database` interface that types every Kysely
 * query, on SQLite and PostgreSQL alike. The DDL that creates them lives in `migrations/`.
 *
 * Conventions, identical on both engines so that one query layer serves both:
 * - Booleans are `integer` 0/1 (`Flag` below), never SQL booleans: better-sqlite3 cannot bind a
 *   JS `true`, and PostgreSQL would hand back `true` where SQLite hands back `1`. Write 0/1,
 *   compare with `= 1`; CHECK constraints reject anything else.
 * - Instants (`*_at`) are ISO-8601 text in UTC with milliseconds, as `Date#toISOString()` writes
 *   them (`2021-07-19T02:30:00.000Z`), so text order is time order. Normalise a client's
 *   offset time with `toStoredInstant()` before writing it to a column; the client's original
 *   text stays in `body_json`.
 * - Calendar dates (`starts_on`, `ends_on`, `due_on`) are `YYYY-MM-DD` text in Asia/Shanghai.
 * - Scores and coordinates are `double precision` (REAL in SQLite); counts are `integer`.
 * - JSON documents (`*_json`) are text written with JSON.stringify, parsed by the caller.
 * - On PostgreSQL, bigint and numeric results (`count(*)`, `sum`, `avg`) are parsed to JS
 *   numbers (see database.ts), as SQLite returns them.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { CitizenCategory, CitizenStatus } from '../../domain/citizen-reports';
import type { Grade } from '../../domain/grades';
import type { ReviewState } from '../../domain/review';
import type { SiteType } from '../../domain/rubric';
import type { Role, Verdict } from '../../domain/wire';

/** 0 = false, 1 = true. */
export type Flag = 0 | 1;

export interface UsersTable {
  id: string;
  /** Unique as stored (case-sensitive on both engines): lower-case it before writing and looking up. */
  username: string;
  display_name: string;
  role: Role;
  /** scrypt/argon2 hash in a self-describing text form; never the password. */
  password_hash: string;
  disabled: Flag;
  created_at: string;
  /** 1 while the password is a generated or reset one: the user must change it first (migration 0004). */
  must_change_password: Generated<Flag>;
  /** 1 for the account behind a site link (migration 0009): nobody signs in to it. */
  link_only: Generated<Flag>;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the bearer token: a leaked database does not leak usable tokens. */
  token_hash: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export interface SignInFailuresTable {
  username: string;
  at: string;
  /** The client address of the attempt (`request.ip`); `''` for rows from before migration 0004. */
  client: Generated<string>;
}

export interface SitesTable {
  id: string;
  name: string;
  type: SiteType;
  district: string;
  parent_id: string | null;
  address: string | null;
  lat: number | null;
  lng: number | null;
  updated_at: string;
  /** Where the coordinates came from (migration 0011): the office, or an inspector's phone. */
  position_source: Generated<'office' | 'phone' | null>;
  /** The user whose phone gave the coordinates, and when (null unless `phone`). */
  position_set_by: Generated<string | null>;
  position_set_at: Generated<string | null>;
}

export interface RoundsTable {
  id: string;
  name: string;
  rubric_version: string;
  rectify_below: number;
  rectify_days: number;
  starts_on: string;
  ends_on: string;
  created_at: string;
  /** Where the rectification period starts (migration 0009). */
  due_from: Generated<'inspection' | 'dispatch'>;
  /** Days after dispatch a unit may object (migration 0009). */
  objection_days: Generated<number>;
  /** Proof of presence radius in metres (migration 0011). */
  presence_radius_m: Generated<number>;
  /** 1: only approved results count (report, rankings, public page, rectifications); migration 0010. */
  approved_only: Generated<Flag>;
}

export interface AssignmentsTable {
  round_id: string;
  site_id: string;
  user_id: string;
}

export interface PhotosTable {
  sha256: string;
  bytes: number;
  content_type: 'image/jpeg' | 'image/png' | 'image/webp';
  uploaded_by: string;
  created_at: string;
}

/** Every user who uploaded a photo's bytes (migration 0005): what they may cite and read. */
export interface PhotoUploadsTable {
  sha256: string;
  user_id: string;
  uploaded_at: string;
}

/** PHOTO_STORE=database: a photo's bytes in chunks under an upload id (migration 0007). */
export interface PhotoChunksTable {
  upload_id: string;
  n: number;
  bytes: Uint8Array;
  created_at: string;
}

/** PHOTO_STORE=database: a stored photo, visible once this row names its complete upload. */
export interface PhotoObjectsTable {
  sha256: string;
  upload_id: string;
  bytes: number;
  content_type: 'image/jpeg' | 'image/png' | 'image/webp';
}

export interface InspectionsTable {
  id: string;
  revision: number;
  round_id: string;
  site_id: string;
  inspector_id: string;
  rubric_version: string;
  started_at: string;
  submitted_at: string;
  received_at: string;
  score: number;
  full_marks: Flag;
  location_json: string | null;
  /** JSON `[{itemId, grade}]` of the items below A, computed by the server at write time. */
  deductions_json: string;
  /** The inspection as received, canonical JSON: a retry compares equal, a conflict does not. */
  body_json: string;
  /**
   * Proof of presence flags computed on arrival (migration 0011), JSON `[{code, …}]`
   * (`domain/presence.ts`); null for inspections stored before the checks existed.
   */
  flags_json: Generated<string | null>;
  /** Seconds from the first to the last photo; null with fewer than two photos. */
  time_on_site_s: Generated<number | null>;
  /** This revision's review state (migration 0010): the latest decision in `reviews`, or pending. */
  review_state: Generated<ReviewState>;
}

/** A review decision on one inspection revision, append-only (migration 0010). */
export interface ReviewsTable {
  /** The decision's audit entry number: grows in commit order (the phone's cursor). */
  seq: number;
  inspection_id: string;
  revision: number;
  inspector_id: string;
  decision: Exclude<ReviewState, 'pending'>;
  comment: string | null;
  /** JSON `[{itemId, comment}]`. */
  item_comments_json: string;
  reviewer_id: string;
  reviewed_at: string;
}

/** One entry of the audit trail, append-only, chained by hash (migration 0010). */
export interface AuditLogTable {
  seq: number;
  at: string;
  /** Who: null for the system or an unknown caller (a failed sign-in names its username in `subject`). */
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  round_id: string | null;
  site_id: string | null;
  inspection_id: string | null;
  /** What else it is about (a user id, a username, a rectification id…). */
  subject: string | null;
  /** Canonical JSON: before → after, or a digest. */
  detail_json: string;
  prev_hash: string;
  hash: string;
}

/** The audit chain's last entry: the single row (id 1) every append locks and moves. */
export interface AuditChainHeadTable {
  id: number;
  seq: number;
  hash: string;
}

export interface InspectionPhotosTable {
  inspection_id: string;
  revision: number;
  item_id: string;
  sha256: string;
  /** The thumbnail the inspection names for the photo (its `thumbnails`; migration 0006); null when none. */
  thumbnail_sha256: string | null;
  /** SHA-256 of the untouched file as picked (`photoMeta.sourceSha256`; migration 0011). */
  source_sha256: Generated<string | null>;
}

export interface RectificationsTable {
  id: string;
  round_id: string;
  site_id: string;
  item_id: string;
  grade: Exclude<Grade, 'A'>;
  due_on: string;
  status: 'open' | 'closed';
  source_inspection_id: string;
  source_revision: number;
  /** JSON array of sha256. */
  before_photos_json: string;
  created_at: string;
  closed_at: string | null;
  /** The inspector's note on the item in the inspection it follows (migration 0008); null when none. */
  finding_note: string | null;
  /** 交办 (migration 0009): units see a rectification only once dispatched. */
  dispatched_at: string | null;
  dispatched_by: string | null;
  /** An upheld objection corrected the item to A: nothing left to rectify (migration 0009). */
  withdrawn_at: string | null;
}

/**
 * A site's current result in a round (migration 0008): its latest inspection by the rule of
 * `latestResults`, kept up to date in the transaction that stores each inspection.
 */
export interface SiteResultsTable {
  round_id: string;
  site_id: string;
  inspection_id: string;
  revision: number;
  inspector_id: string;
  submitted_at: string;
  received_at: string;
  score: number;
  /** `Math.round(score × 100)`: sums of scores stay exact integers on both engines. */
  score_hundredths: number;
  full_marks: Flag;
  /** The result's inspection's flags (`inspections.flags_json`), copied with it (migration 0011). */
  flags_json: Generated<string | null>;
  time_on_site_s: Generated<number | null>;
}

/** The items a site's current result lost points on, with the inspector's note (migration 0008). */
export interface SiteResultItemsTable {
  round_id: string;
  site_id: string;
  item_id: string;
  grade: Exclude<Grade, 'A'>;
  note: string | null;
}

export interface RechecksTable {
  id: string;
  rectification_id: string;
  checked_by: string;
  verdict: Verdict;
  note: string | null;
  /** JSON array of sha256. */
  photos_json: string;
  checked_at: string;
  received_at: string;
  body_json: string;
}

export interface RecheckPhotosTable {
  recheck_id: string;
  sha256: string;
}

export interface PublishedRankingsTable {
  round_id: string;
  token: string;
  published_at: string;
  /** The public page's body as published (JSON); null for rows published before migration 0003. */
  ranking_json: string | null;
}

/** What a responsible unit answers for (migration 0009): a whole district or one site. */
export interface UnitResponsibilitiesTable {
  user_id: string;
  kind: 'district' | 'site';
  target: string;
}

/** A site link ever issued (migration 0009); the token itself is never stored. */
export interface SiteLinksTable {
  id: string;
  round_id: string;
  site_id: string;
  /** The link's own account (`link_only`): its uploads, answers and requests are recorded under it. */
  user_id: string;
  token_hash: string;
  issued_at: string;
  issued_by: string;
  revoked_at: string | null;
}

export interface UnitAnswersTable {
  id: string;
  rectification_id: string;
  answered_by: string;
  action: string;
  note: string | null;
  photos_json: string;
  answered_at: string;
  received_at: string;
  body_json: string;
}

export interface UnitRequestsTable {
  id: string;
  rectification_id: string;
  requested_by: string;
  kind: 'extension' | 'return' | 'objection';
  reason: string;
  /** The due date an extension asks for. */
  due_on: string | null;
  photos_json: string;
  requested_at: string;
  received_at: string;
  body_json: string;
  status: 'pending' | 'approved' | 'refused';
  decided_by: string | null;
  decided_at: string | null;
  decision_reason: string | null;
  /** The due date before an approved extension moved it. */
  previous_due_on: string | null;
}

/** The office's correction of an item's grade (migration 0009): never a revision by the inspector. */
export interface GradeCorrectionsTable {
  id: string;
  round_id: string;
  site_id: string;
  item_id: string;
  from_grade: Grade;
  to_grade: Grade;
  corrected_by: string;
  corrected_at: string;
  reason: string;
  request_id: string | null;
}

/** A round's bulletin as the office last saved it (migration 0012). */
export interface BulletinDocumentsTable {
  round_id: string;
  /** `BulletinDocument` (src/domain/bulletin-document.ts) as JSON. */
  document_json: string;
  updated_at: string;
  updated_by: string;
}

/** A citizen's report (migration 0013). */
export interface CitizenReportsTable {
  id: string;
  /** The tracking code the resident reads out on the phone (`R` + 7 characters). */
  code: string;
  site_id: string;
  category: CitizenCategory;
  description: string;
  /** In full: only ever sent masked. */
  phone: string | null;
  /** The 市民记者 who sent it (trusted); null for a resident. */
  reporter_id: string | null;
  /** HMAC of the sender's address: what the per-address limits count. */
  client_key: string;
  /** The proof-of-work challenge it used (unique: one report per challenge); null for a reporter. */
  challenge: string | null;
  created_at: string;
  received_at: string;
  status: CitizenStatus;
  accept_due_on: string;
  accepted_at: string | null;
  close_due_on: string | null;
  closed_at: string | null;
  /** The reply the resident reads (办结), or the reason (不予受理). */
  reply: string | null;
  merged_into: string | null;
  spot_round_id: string | null;
  spot_inspector_id: string | null;
  decided_by: string | null;
  rating: number | null;
  rated_at: string | null;
  /** The report as received, canonical JSON (idempotency). */
  body_json: string;
  /** 交办: when the office handed it to the site's responsible units (migration 0015). */
  handed_over_at: string | null;
  handed_over_by: string | null;
}

/** A responsible unit's answer to a report handed to it (migration 0015). */
export interface CitizenUnitAnswersTable {
  id: string;
  report_id: string;
  answered_by: string;
  note: string;
  photos_json: string;
  answered_at: string;
  received_at: string;
  /** The answer as received, canonical JSON (idempotency). */
  body_json: string;
}

export interface CitizenReportPhotosTable {
  report_id: string;
  sha256: string;
  received: Flag;
}

export interface ServerSecretsTable {
  name: string;
  value: string;
}

export interface OfficeSettingsTable {
  name: string;
  value: string;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  sign_in_failures: SignInFailuresTable;
  sites: SitesTable;
  rounds: RoundsTable;
  assignments: AssignmentsTable;
  photos: PhotosTable;
  photo_uploads: PhotoUploadsTable;
  photo_chunks: PhotoChunksTable;
  photo_objects: PhotoObjectsTable;
  inspections: InspectionsTable;
  inspection_photos: InspectionPhotosTable;
  rectifications: RectificationsTable;
  site_results: SiteResultsTable;
  site_result_items: SiteResultItemsTable;
  rechecks: RechecksTable;
  recheck_photos: RecheckPhotosTable;
  published_rankings: PublishedRankingsTable;
  unit_responsibilities: UnitResponsibilitiesTable;
  site_links: SiteLinksTable;
  unit_answers: UnitAnswersTable;
  unit_requests: UnitRequestsTable;
  grade_corrections: GradeCorrectionsTable;
  bulletin_documents: BulletinDocumentsTable;
  citizen_reports: CitizenReportsTable;
  citizen_report_photos: CitizenReportPhotosTable;
  citizen_unit_answers: CitizenUnitAnswersTable;
  server_secrets: ServerSecretsTable;
  office_settings: OfficeSettingsTable;
  reviews: ReviewsTable;
  audit_log: AuditLogTable;
  audit_chain_head: AuditChainHeadTable;
}

export type TableName = keyof Database;
export type Row<T extends TableName> = Selectable<Database[T]>;
export type NewRow<T extends TableName> = Insertable<Database[T]>;
export type RowUpdate<T extends TableName> = Updateable<Database[T]>;

/** An instant as stored: ISO-8601 in UTC (`…Z`, milliseconds). Throws on an invalid instant. */
export function toStoredInstant(instant: string | Date = new Date()): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a valid instant: ${String(instant)}`);
  return date.toISOString();
}

/** JS boolean → stored flag, and back. */
export const toFlag = (value: boolean): Flag => (value ? 1 : 0);
export const fromFlag = (value: number): boolean => value === 1;
