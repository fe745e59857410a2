/**
 * Group commit: `groupCommit(ctx).execute(work)` runs `work` in a transaction like
 * `db.transaction().execute(work)` and settles only after that transaction committed (or with
 * its error).
 *
 * The writes that arrive together share one transaction: one commit, so one fsync, for several
 * of them. On SQLite (WAL, synchronous=FULL) better-sqlite3 is synchronous: each commit's fsync
 * stops the event loop, and one transaction per PUT made the fsync the server's ceiling.
 *
 * On PostgreSQL too, since every write that groups here appends to the audit chain
 * (services/audit.ts): the chain head's row lock serialises their transactions, WAL flush
 * included, so one transaction per write paid a whole fsync each, one after the other, and
 * PostgreSQL's own commit batching never had two commits to batch. (Before the audit chain,
 * separate transactions ran side by side and were faster there; issue #16.) Grouped, the head is
 * locked and read once per group (services/audit.ts keeps it per transaction).
 *
 * The group committer:
 *
 * - Adaptive, no timer: a write that finds nothing committing starts at the end of the current
 *   turn of the event loop, with whatever other writes that turn queued; writes that arrive
 *   while a group commits form the next group, up to MAX_GROUP per transaction.
 * - Each write's `work` runs after the earlier ones of its group, in the same transaction, so it
 *   sees them exactly as it would see them committed one after the other (read-then-write rules,
 *   such as the rectifications an inspection opens, give the same results).
 * - When anything in a group fails — one write's `work` (a unique violation: a concurrent retry
 *   of the same request), or the commit itself — none of the group is stored: each write is run
 *   again, in its own transaction, and settles with that outcome, as it would have without
 *   grouping. A failing write costs the others of its group a second attempt, nothing else.
 * - `work` may therefore run twice (the first run rolled back): it must only write through the
 *   transaction it is given.
 *
 * One committer per Kysely instance (per process); transactions taken elsewhere are unaffected.
 * On PostgreSQL a group holds one pooled connection; the other connections serve reads.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Engine } from './database';
import type { Database } from './schema';

/** Writes per transaction at most: bounds how long one commit holds the connection. */
export const MAX_GROUP = 32;

export interface GroupCommitter {
  execute<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
}

interface Pending {
  work: (trx: Transaction<Database>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const committers = new WeakMap<Kysely<Database>, GroupCommitter>();

export function groupCommit({ db }: { db: Kysely<Database>; engine: Engine }): GroupCommitter {
  let committer = committers.get(db);
  if (!committer) {
    committer = createGroupCommitter(db);
    committers.set(db, committer);
  }
  return committer;
}

export function createGroupCommitter(db: Kysely<Database>): GroupCommitter {
  const queue: Pending[] = [];
  /** A group is committing, or about to start (scheduled with setImmediate). */
  let committing = false;

  async function commitAlone(pending: Pending): Promise<void> {
    try {
      pending.resolve(await db.transaction().execute(pending.work));
    } catch (error) {
      pending.reject(error);
    }
  }

  async function commitGroup(group: Pending[]): Promise<void> {
    if (group.length === 1) return commitAlone(group[0]!);
    let results: unknown[];
    try {
      results = await db.transaction().execute(async (trx) => {
        const out: unknown[] = [];
        for (const pending of group) out.push(await pending.work(trx));
        return out;
      });
    } catch {
      // Rolled back as a whole: each on its own, settling with its own outcome.
      for (const pending of group) await commitAlone(pending);
      return;
    }
    group.forEach((pending, i) => pending.resolve(results[i]));
  }

  async function drain(): Promise<void> {
    try {
      while (queue.length > 0) await commitGroup(queue.splice(0, MAX_GROUP));
    } finally {
      committing = false;
    }
  }

  return {
    execute<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        if (!committing) {
          committing = true;
          // After this turn of the event loop: the other requests whose bodies arrived in it
          // reach this queue too (on SQLite a whole request runs in one turn); on PostgreSQL the
          // writes that arrive while a group commits form the next.
          setImmediate(() => void drain());
        }
      });
    },
  };
}
