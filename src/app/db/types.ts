/**
 * The shapes of everything the app keeps in IndexedDB (database `civic-inspect`, see
 * `database.ts` for the stores and `schema.ts` for their versions), plus the `Bootstrap`
 * response of `GET /api/bootstrap` (API.md; built by src/server/routes/bootstrap.ts).
 *
 * Instants are stored as ISO 8601 strings in UTC (`Date#toISOString()`): they sort as text,
 * so they can be index keys, and they go on the wire unchanged.
 */
import type { AnswerGrade, Grade } from '../../domain/grades';
import type { Rubric, SiteType } from '../../domain/rubric';
import type { PhotoSource } from '../../domain/presence';
import type {
  AssignedSiteResult,
  Inspection,
  PositionFixInput,
  Recheck,
  Round,
  Site,
  User,
  Verdict,
} from '../../domain/wire';

/** A moment passed in by the caller (a clock), stored as an ISO string. */
export type Instant = Date | number;

// ---------------------------------------------------------------------------------------------
// Bootstrap: what GET /api/bootstrap returns, kept for offline use.

export interface BootstrapAssignment {
  roundId: string;
  siteId: string;
  userId: string;
  /** The site's current result on the server at the last bootstrap (kept with the assignment). */
  result?: SiteResultOnServer;
}

export type SiteResultOnServer = Omit<AssignedSiteResult, 'roundId' | 'siteId'>;

export interface RectificationVerdict {
  id: string;
  verdict: Verdict;
  note: string | null;
  photos: string[];
  checkedAt: string;
  checkedBy: string;
}

/** A deducted item a site must fix (`GET /api/rectifications`). */
export interface Rectification {
  id: string;
  roundId: string;
  siteId: string;
  itemId: string;
  grade: Exclude<Grade, 'A'>;
  /** `YYYY-MM-DD`, Asia/Shanghai. */
  dueOn: string;
  status: 'open' | 'closed';
  /** sha256 of the inspection's photos of this item. */
  beforePhotos: string[];
  /** The inspector's note on the item, when the server sends one (part of the original finding). */
  note?: string;
  closedAt?: string | null;
  lastVerdict?: RectificationVerdict;
  /** When the office dispatched it to the responsible unit (#17); absent before. */
  dispatchedAt?: string;
  /** The unit's latest answer (整改反馈), which the recheck team checks on site (#17). */
  unitAnswer?: RectificationUnitAnswer;
}

/** A responsible unit's answer as the rectification views carry it. */
export interface RectificationUnitAnswer {
  id: string;
  action: string;
  note: string | null;
  photos: string[];
  answeredAt: string;
}

export interface Bootstrap {
  user: User;
  rounds: Round[];
  sites: Site[];
  assignments: BootstrapAssignment[];
  /** By rubric version. */
  rubrics: Record<string, Rubric>;
  rectifications: Rectification[];
  /** The current results of the field user's assigned sites (absent from servers before it). */
  results?: AssignedSiteResult[];
}

// ---------------------------------------------------------------------------------------------
// Stored records.

/** `session` store, key `'current'`: the signed-in user of this device. */
export interface SessionRecord {
  key: 'current';
  token: string;
  user: User;
  signedInAt: string;
}

export interface GeoLocation {
  lat: number;
  lng: number;
  /** Metres. */
  accuracy?: number;
}

/** One item's answer while it is being edited: every field may still be missing. */
export interface LocalAnswer {
  grade?: AnswerGrade;
  defects?: number;
  note?: string;
  /** sha256 of the photos, in the order taken. */
  photos: string[];
}

export type LocalStatus = 'draft' | 'submitted' | 'synced';

/**
 * `inspections` store: the CURRENT revision of an inspection made on this device. Submitted
 * revisions are frozen, as sent, in their outbox entry.
 */
export interface LocalInspection {
  /** UUID made on the device. */
  id: string;
  revision: number;
  roundId: string;
  siteId: string;
  /** Copied from the site when the inspection was opened: picks the rubric's item list. */
  siteType: SiteType;
  rubricVersion: string;
  inspectorId: string;
  status: LocalStatus;
  startedAt: string;
  submittedAt?: string;
  /** `undefined`: not asked yet; `null`: refused or unavailable (does not block the work). */
  location?: GeoLocation | null;
  /** Proof of presence: position fixes taken at opening, at photos (and at submit, in the frozen body). */
  fixes?: PositionFixInput[];
  /** "Use this phone's position" for a site without coordinates: sent with the inspection. */
  sitePosition?: GeoLocation;
  /** By rubric item id. */
  answers: Record<string, LocalAnswer>;
  updatedAt: string;
  /**
   * The server's score of this revision, from its answer to the PUT; set when the revision
   * becomes 'synced' (absent for revisions synced before the app kept it, and in drafts).
   */
  serverScore?: ServerScore;
}

/** What the server answered an accepted inspection: `{score, fullMarks}` of `{id, revision, score, fullMarks}`. */
export interface ServerScore {
  score: number;
  fullMarks: boolean;
}

export type PhotoKind = 'inspection' | 'recheck';

/** `photos` store, keyed by the SHA-256 of the JPEG bytes: the photo's identity everywhere. */
export interface PhotoRecord {
  sha256: string;
  /** The encoded JPEG, a Blob made from bytes (never a live File: iOS cannot store those). */
  blob: Blob;
  thumbnail: Blob;
  /**
   * SHA-256 of `thumbnail`: it is uploaded as a photo of its own and named in the inspection's
   * `thumbnails`, for the office to draw. Absent in photos taken before the app hashed it.
   */
  thumbnailSha256?: string;
  kind: PhotoKind;
  /** The inspection id or the recheck id that took the photo. */
  ownerId: string;
  /** The rubric item the photo documents (for a recheck: the rectification's item). */
  itemId: string;
  capturedAt: string;
  inspectorId: string;
  gps?: GeoLocation;
  /** Proof of presence: taken with the camera or chosen from the gallery (absent in older photos). */
  source?: PhotoSource;
  /** The picture's own capture time (EXIF DateTimeOriginal) as an instant, when it has one. */
  exifAt?: string;
  /** SHA-256 of the untouched file as picked: the same picture chosen twice has the same one. */
  sourceSha256?: string;
  /** The inspector drew on it (circle, arrow, text) before it was stored. */
  markedUp?: boolean;
  width: number;
  height: number;
  /** Size of `blob`. */
  bytes: number;
  /** Size of the file the camera produced, before resizing. */
  originalBytes: number;
  // Whether the server holds it is its outbox entry's business (a done photo entry, see
  // outbox.ts): a row holding Blobs is never rewritten after capture. Rows from schema v3 may
  // still carry a `confirmedAt` field, which nothing reads.
}

/** What the photo pipeline hands over to be stored. */
export interface NewPhoto {
  sha256: string;
  blob: Blob;
  thumbnail: Blob;
  thumbnailSha256?: string;
  width: number;
  height: number;
  bytes: number;
  originalBytes: number;
  capturedAt: string;
  inspectorId: string;
  gps?: GeoLocation;
  /** Proof of presence: taken with the camera or chosen from the gallery (absent in older photos). */
  source?: PhotoSource;
  /** The picture's own capture time (EXIF DateTimeOriginal) as an instant, when it has one. */
  exifAt?: string;
  /** SHA-256 of the untouched file as picked: the same picture chosen twice has the same one. */
  sourceSha256?: string;
  /** The inspector drew on it (circle, arrow, text) before it was stored. */
  markedUp?: boolean;
}

/** `rechecks` store: a rechecker's verdict on one rectification. */
export interface LocalRecheck {
  /** UUID made on the device; a recheck id is never reused for other content (API.md: 409). */
  id: string;
  rectificationId: string;
  verdict?: Verdict;
  note?: string;
  photos: string[];
  status: LocalStatus;
  checkedAt?: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * `beforePhotos` store: a before-photo of an open rectification, downloaded from the server for
 * the rechecker (not this device's work: never uploaded, replaceable). A thumbnail always; the
 * full photo only while the download budget allows.
 */
export interface BeforePhotoRecord {
  sha256: string;
  /** JPEG, long edge about 240 px, made on the device from the downloaded photo. */
  thumbnail: Blob;
  /** The full photo as the server sent it; absent when the budget keeps only the thumbnail. */
  blob?: Blob;
  /** Size of the full photo, bytes (whether or not it is kept). */
  bytes: number;
  contentType: string;
  fetchedAt: string;
}

export type OutboxKind = 'photo' | 'inspection' | 'recheck';
export type OutboxState = 'pending' | 'attention' | 'done';

/** As `SyncError` of sync/sync-store.ts: a code (with data) the sync screen words, and a message. */
export interface OutboxError {
  status?: number;
  code?: string;
  message: string;
  data?: Record<string, string | number>;
}

interface OutboxEntryBase {
  /** Auto-increment: the order things were queued. */
  seq: number;
  /** The inspection or recheck id: the photos of a submission and the submission share it. */
  groupId: string;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: string;
  lastError?: OutboxError;
  createdAt: string;
  /** When the server confirmed it; for a photo entry, when the server is known to hold the photo. */
  doneAt?: string;
  /** Bytes this entry uploads (the photo's size, or the JSON's length): for progress. */
  bytes: number;
}

/**
 * Upload one photo; the Blob stays in `photos` under `key` — or, for a thumbnail, is the
 * `thumbnail` of the row `thumbnailOf`.
 */
export interface PhotoOutboxEntry extends OutboxEntryBase {
  kind: 'photo';
  /** The sha256. */
  key: string;
  /** The sha256 again: the Blob is read from `photos` when it is sent. */
  payload: string;
  /** A thumbnail's entry: the sha256 of the photo (the `photos` row) whose thumbnail it uploads. */
  thumbnailOf?: string;
}

/** `PUT /api/inspections/{id}` of one frozen revision. */
export interface InspectionOutboxEntry extends OutboxEntryBase {
  kind: 'inspection';
  /** `${id}@${revision}`. */
  key: string;
  /** The wire body exactly as it is PUT (valid per `inspectionSchema`). */
  payload: Inspection;
  /** The server's score of it, once confirmed (when its answer said). */
  serverScore?: ServerScore;
}

/** `PUT /api/rechecks/{id}`. */
export interface RecheckOutboxEntry extends OutboxEntryBase {
  kind: 'recheck';
  /** The recheck id. */
  key: string;
  payload: Recheck;
}

/** `outbox` store: what still has to reach the server, and what already did (`done`). */
export type OutboxEntry = PhotoOutboxEntry | InspectionOutboxEntry | RecheckOutboxEntry;

/** An entry about to be added (the database assigns `seq`). */
export type NewOutboxEntry =
  Omit<PhotoOutboxEntry, 'seq'> | Omit<InspectionOutboxEntry, 'seq'> | Omit<RecheckOutboxEntry, 'seq'>;

/** `meta` store: small key/value settings and caches. */
export interface MetaRecord {
  key: string;
  value: unknown;
}
