/**
 * Migration 0004: sign-in limits per client and forced password changes (security issue #13).
 *
 * - `sign_in_failures.client`: the address the attempt came from (`request.ip`), so the limits
 *   count per username and client, per client, and per username (auth/sign-in-limits.ts). Rows
 *   from before have `''`. Indexes for the three counts and for purging old rows by time.
 * - `users.must_change_password`: 1 for a generated or reset password; while set, the user's
 *   sessions may only change their password or sign out (auth/guard.ts).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('sign_in_failures')
    .addColumn('client', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .createIndex('sign_in_failures_username_client_at_idx')
    .on('sign_in_failures')
    .columns(['username', 'client', 'at'])
    .execute();
  await db.schema
    .createIndex('sign_in_failures_client_at_idx')
    .on('sign_in_failures')
    .columns(['client', 'at'])
    .execute();
  await db.schema.createIndex('sign_in_failures_at_idx').on('sign_in_failures').column('at').execute();

  await db.schema
    .alterTable('users')
    .addColumn('must_change_password', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`must_change_password in (0, 1)`),
    )
    .execute();
}
