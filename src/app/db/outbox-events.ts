/**
 * The outbox announces its own new work. Every write that puts entries in the outbox for sending
 * (the queueing in the submits of inspections.ts and rechecks.ts, a retried group) calls
 * `announceOutboxQueued(db)`; listeners registered with `onOutboxQueued` hear about it once the
 * transaction that wrote the entries has committed, so whatever they read is there. The sync
 * service (src/app/sync/sync-service.ts) listens and asks its scheduler for a run: no page has
 * to remember to wake the sync after a submission.
 *
 * The sync engine's own bookkeeping (done, retry later, needs attention, photos requeued on a
 * 422, pending entries woken) does not announce: it happens inside a run, and waking the
 * scheduler on a "retry later" would defeat the backoff.
 *
 * Per database object and per tab: another tab's submission wakes that tab's scheduler, and
 * the Web Lock (sync-scheduler.ts) keeps the two from running at once.
 */
import Dexie, { type Transaction } from 'dexie';

const listeners = new WeakMap<object, Set<() => void>>();
const announced = new WeakSet<Transaction>();

/** Calls `listener` after every committed write that queued outbox work in `db`; returns the unsubscribe. */
export function onOutboxQueued(db: object, listener: () => void): () => void {
  let set = listeners.get(db);
  if (!set) {
    set = new Set();
    listeners.set(db, set);
  }
  set.add(listener);
  return () => void set.delete(listener);
}

/**
 * Announces new outbox work of `db`: after the current transaction commits (once per
 * transaction however many entries it queued), or at once outside a transaction.
 */
export function announceOutboxQueued(db: object): void {
  const notify = () => listeners.get(db)?.forEach((listener) => listener());
  let transaction = Dexie.currentTransaction;
  if (!transaction) {
    queueMicrotask(notify);
    return;
  }
  // A nested transaction commits with its outermost one.
  while (transaction.parent) transaction = transaction.parent;
  if (announced.has(transaction)) return;
  announced.add(transaction);
  transaction.on('complete', notify);
}
