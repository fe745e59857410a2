/**
 * `exclusively(storage, key, work)`: runs `work` in a transaction that no other transaction
 * taken for the same key — in this process or in another server process on the same database —
 * runs alongside. For read-then-write rules that a unique index cannot express, such as "at most
 * 10 sign-in attempts per username and client in 15 minutes" (auth/sign-in-limits.ts). With a
 * list of keys, all of them are taken, in the order given: callers that take several keys
 * must always list them in the same order of kinds (client before username) so that no two
 * transactions wait for each other.
 *
 * - PostgreSQL (several server processes may share it): a transaction-scoped advisory lock on a
 *   64-bit hash of the key, released at commit or rollback.
 * - SQLite: `BEGIN IMMEDIATE` takes the database's write lock before the first read (a plain
 *   BEGIN would read first and fail with SQLITE_BUSY on the write if another connection wrote in
 *   between); other connections wait up to `busy_timeout`. Within this process Kysely's SQLite
 *   driver already runs one connection at a time.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Storage } from './database';
import type { Database } from './schema';

export async function exclusively<T>(
  { db, engine }: Pick<Storage, 'db' | 'engine'>,
  key: string | readonly string[],
  work: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (engine === 'postgres') {
    return db.transaction().execute(async (trx: Transaction<Database>) => {
      for (const each of typeof key === 'string' ? [key] : key)
        await sql`select pg_advisory_xact_lock(hashtextextended(${each}, 0))`.execute(trx);
      return work(trx);
    });
  }
  return db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      const result = await work(connection);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await sql`rollback`.execute(connection);
      throw error;
    }
  });
}
