/**
 * Errors the repositories of the database module throw for calls that cannot be honoured
 * (the storage errors themselves, StorageFullError and friends, live in `database.ts`).
 */

/** No inspection / recheck / outbox entry under that id. */
export class RecordNotFoundError extends Error {
  override readonly name = 'RecordNotFoundError';

  constructor(
    readonly store: string,
    readonly id: string | number,
  ) {
    super(`${store}: nothing stored under ${String(id)}`);
  }
}

/** An edit of an inspection or recheck that is no longer a draft (submit froze it; amend first). */
export class NotEditableError extends Error {
  override readonly name = 'NotEditableError';

  constructor(
    readonly store: string,
    readonly id: string,
    readonly status: string,
  ) {
    super(`${store} ${id} is ${status}, not a draft: it cannot be edited`);
  }
}
