/**
 * THE Dexie database of the app (IndexedDB `civic-inspect`), the only place that imports Dexie.
 * What lives where (schema versions and migrations in `schema.ts`, shapes in `types.ts`):
 *
 *   session        key 'current': token and user of the signed-in person
 *   rounds, sites, assignments, rubrics, rectifications
 *                  copies of GET /api/bootstrap, so every field flow works offline
 *   inspections    the inspector's own inspections, current revision only (inspections.ts)
 *   photos         JPEG Blobs by sha256 with their capture metadata (inspections.ts, rechecks.ts)
 *   rechecks       the rechecker's verdicts (rechecks.ts)
 *   beforePhotos   before-photos of open rectifications downloaded for rechecks (before-photos.ts)
 *   outbox         what must reach the server, frozen at submit (outbox.ts)
 *   meta           small settings and caches (meta.ts)
 *   citizenReports a resident's reports: waiting to be sent, then tracked (citizen-reports.ts)
 *
 * Every write goes through `writeTransaction`: one Dexie transaction, so a crash or a full disk
 * leaves either all of a change or none of it, with two browser workarounds around it:
 *
 * - A full disk shows up as a transaction abort whose `inner` is the QuotaExceededError, not
 *   always as that error itself (Dexie #776). `isQuotaError` looks inside; `withStorageGuard`
 *   rethrows it as `StorageFullError`, which the screens word for the inspector. Data committed
 *   before stays: a transaction that fails writes nothing.
 * - iOS Safari drops the IndexedDB connection while the app is in the background (Dexie #2008):
 *   the next transaction fails with "connection lost" / InvalidStateError. The database reopens
 *   itself on `close`, and a transaction that failed because the connection was gone is run
 *   once more on a fresh connection (safe: a failed transaction committed nothing).
 *
 * When another tab opens a newer schema, this connection closes for good (`onVersionChange`
 * tells the UI to reload) instead of blocking that tab's upgrade.
 */
import Dexie, { type DexieOptions, type EntityTable, type PromiseExtended, type Table } from 'dexie';
import type { Rubric } from '../../domain/rubric';
import type { Round, Site } from '../../domain/wire';
import {
  DATABASE_NAME,
  SCHEMA_V1,
  SCHEMA_V2,
  SCHEMA_V3,
  SCHEMA_V4,
  SCHEMA_V5,
  SCHEMA_V6,
  upgradeToV2,
  upgradeToV4,
} from './schema';
import type { LocalCitizenReport } from './citizen-reports';
import type { KeptUnitPhoto, LocalUnitEntry, UnitWorkCopy } from './unit-work';
import type {
  BeforePhotoRecord,
  BootstrapAssignment,
  LocalInspection,
  LocalRecheck,
  MetaRecord,
  NewOutboxEntry,
  OutboxEntry,
  PhotoRecord,
  Rectification,
  SessionRecord,
} from './types';

export interface CivicDatabaseOptions extends DexieOptions {
  /** Another tab wants a newer schema: this connection has closed; the page should reload. */
  onVersionChange?: () => void;
}

export class CivicDatabase extends Dexie {
  declare session: EntityTable<SessionRecord, 'key'>;
  declare rounds: EntityTable<Round, 'id'>;
  declare sites: EntityTable<Site, 'id'>;
  declare assignments: Table<BootstrapAssignment, [string, string, string]>;
  declare rubrics: EntityTable<Rubric, 'version'>;
  declare rectifications: EntityTable<Rectification, 'id'>;
  declare inspections: EntityTable<LocalInspection, 'id'>;
  declare photos: EntityTable<PhotoRecord, 'sha256'>;
  declare rechecks: EntityTable<LocalRecheck, 'id'>;
  declare beforePhotos: EntityTable<BeforePhotoRecord, 'sha256'>;
  declare outbox: Table<OutboxEntry, number, NewOutboxEntry>;
  declare meta: EntityTable<MetaRecord, 'key'>;
  declare citizenReports: EntityTable<LocalCitizenReport, 'id'>;
  declare unitWork: EntityTable<UnitWorkCopy, 'scope'>;
  declare unitOutbox: EntityTable<LocalUnitEntry, 'id'>;
  declare unitPhotos: Table<KeptUnitPhoto, [string, string]>;

  /** Closed by the app (sign-out, tests): do not reopen behind its back. */
  private closedOnPurpose = false;
  /** A newer schema was opened elsewhere: this connection must stay closed. */
  private superseded = false;

  constructor(name: string = DATABASE_NAME, options: CivicDatabaseOptions = {}) {
    const { onVersionChange, ...dexieOptions } = options;
    super(name, dexieOptions);
    this.version(1).stores(SCHEMA_V1);
    this.version(2).stores(SCHEMA_V2).upgrade(upgradeToV2);
    this.version(3).stores(SCHEMA_V3);
    this.version(4).stores(SCHEMA_V4).upgrade(upgradeToV4);
    this.version(5).stores(SCHEMA_V5);
    this.version(6).stores(SCHEMA_V6);
    // Dexie's own handler (registered first) has already closed the connection.
    this.on('versionchange', () => {
      this.superseded = true;
      this.close();
      onVersionChange?.();
    });
    this.on('close', () => this.reopenSoon());
  }

  /** False once the app closed the database or a newer schema replaced it. */
  get mayReopen(): boolean {
    return !this.closedOnPurpose && !this.superseded;
  }

  override open(): PromiseExtended<Dexie> {
    if (!this.superseded) this.closedOnPurpose = false;
    return super.open();
  }

  override close(options?: { disableAutoOpen: boolean }): void {
    // Dexie closes with {disableAutoOpen: false} itself when the browser drops the connection.
    if (options?.disableAutoOpen !== false) this.closedOnPurpose = true;
    super.close(options);
  }

  /** The browser closed the connection (iOS backgrounding, Dexie #2008): reopen right away. */
  private reopenSoon(): void {
    setTimeout(() => {
      if (!this.mayReopen || this.isOpen()) return;
      // A failure here resurfaces at the next transaction, which reopens on its own.
      this.open().catch(() => undefined);
    }, 0);
  }
}

/** Opens (creating or upgrading as needed) the app's database. */
export async function openCivicDatabase(
  name: string = DATABASE_NAME,
  options?: CivicDatabaseOptions,
): Promise<CivicDatabase> {
  const db = new CivicDatabase(name, options);
  await db.open();
  return db;
}

// ---------------------------------------------------------------------------------------------
// A full disk (Dexie #776).

/**
 * The device's storage is full: the last change was not saved; everything saved before was.
 * The screens word it for the inspector (`storage.full` in the i18n catalogues); the message is for logs.
 */
export class StorageFullError extends Error {
  override readonly name = 'StorageFullError';

  constructor(cause?: unknown) {
    super('the device storage is full: the change was not saved', { cause });
  }
}

const QUOTA_NAMES = new Set(['QuotaExceededError', 'NS_ERROR_DOM_QUOTA_REACHED']);
/** DOMException's legacy QUOTA_EXCEEDED_ERR code; Firefox's NS_ERROR_DOM_QUOTA_REACHED. */
const QUOTA_CODES = new Set([22, 1014]);

/**
 * True for a QuotaExceededError, whether it comes as itself, as the `inner` of a Dexie
 * AbortError / transaction error (Dexie #776), as a `cause`, or among a BulkError's failures.
 */
export function isQuotaError(error: unknown): boolean {
  return quotaSearch(error, 0);
}

function quotaSearch(error: unknown, depth: number): boolean {
  if (depth > 6 || error === null || typeof error !== 'object') return false;
  const { name, code, inner, cause, failures } = error as {
    name?: unknown;
    code?: unknown;
    inner?: unknown;
    cause?: unknown;
    failures?: unknown;
  };
  if (typeof name === 'string' && QUOTA_NAMES.has(name)) return true;
  if (typeof code === 'number' && QUOTA_CODES.has(code) && error instanceof DOMException) return true;
  if (quotaSearch(inner, depth + 1) || quotaSearch(cause, depth + 1)) return true;
  return Array.isArray(failures) && failures.some((failure) => quotaSearch(failure, depth + 1));
}

/** Runs `fn`; a quota error from it is rethrown as `StorageFullError`, anything else unchanged. */
export async function withStorageGuard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof StorageFullError) throw error;
    if (isQuotaError(error)) throw new StorageFullError(error);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// A lost connection (Dexie #2008).

const CONNECTION_LOST_NAMES = new Set(['DatabaseClosedError', 'InvalidStateError', 'UnknownError']);

/** The error of a transaction that failed because the connection had gone (iOS backgrounding). */
export function isConnectionLost(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
    const { name, inner } = current as { name?: unknown; inner?: unknown };
    if (typeof name === 'string' && CONNECTION_LOST_NAMES.has(name)) return true;
    current = inner;
  }
  return false;
}

/** Runs `fn` (one transaction or one read); once more on a reopened connection if it was lost. */
export async function withReconnect<T>(db: CivicDatabase, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (!isConnectionLost(error) || !db.mayReopen) throw error;
    db.close({ disableAutoOpen: false });
    await db.open();
    return await fn();
  }
}

type StoreName = {
  [K in keyof CivicDatabase]: CivicDatabase[K] extends Table ? K : never;
}[keyof CivicDatabase];

/**
 * One read-write transaction over the named stores, with the quota and reconnection handling
 * above. `fn` must only await Dexie operations (IndexedDB commits a transaction as soon as it
 * has nothing left to do).
 */
export function writeTransaction<T>(db: CivicDatabase, stores: StoreName[], fn: () => Promise<T>): Promise<T> {
  return withStorageGuard(() =>
    withReconnect(db, () =>
      db.transaction(
        'rw',
        stores.map((store) => db.table(store)),
        fn,
      ),
    ),
  );
}

/** One read-only transaction over the named stores: a consistent snapshot. */
export function readTransaction<T>(db: CivicDatabase, stores: StoreName[], fn: () => Promise<T>): Promise<T> {
  return withReconnect(db, () =>
    db.transaction(
      'r',
      stores.map((store) => db.table(store)),
      fn,
    ),
  );
}

/** An instant as stored: ISO 8601 in UTC. */
export function toIso(instant: Date | number): string {
  const date = typeof instant === 'number' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a valid instant: ${String(instant)}`);
  return date.toISOString();
}
