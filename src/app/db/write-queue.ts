/**
 * Per-record write queue. Stores nothing itself: it orders the writes to one inspection (or
 * recheck) so that they run one after the other, in the order they were called.
 *
 * Why: autosave fires on every keystroke and photo, and submit can be pressed while an autosave
 * is still on its way; when those interleave, a submit can freeze a stale copy or an autosave can
 * undo a photo (Enketo #1043, media lost when autosave and submit race). Each write is already one
 * IndexedDB transaction; the queue adds the guarantee that they apply in call order, including
 * the work a write does before its transaction (copying a File into a Blob).
 *
 * A queued task must not wait for another task of the same key (it would wait for itself).
 */

const queues = new WeakMap<object, Map<string, Promise<unknown>>>();

/** Runs `task` after every earlier task queued under the same database and key has settled. */
export function serialised<T>(db: object, key: string, task: () => Promise<T>): Promise<T> {
  let perDb = queues.get(db);
  if (!perDb) {
    perDb = new Map();
    queues.set(db, perDb);
  }
  const previous = perDb.get(key) ?? Promise.resolve();
  const run = previous.then(task);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  perDb.set(key, settled);
  void settled.then(() => {
    if (perDb.get(key) === settled) perDb.delete(key);
  });
  return run;
}
