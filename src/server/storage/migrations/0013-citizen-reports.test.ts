/**
 * Migration 0013 widens `users.role` on a database that already holds users and everything that
 * points at them. On SQLite that means dropping and remaking the users table inside the
 * migration's transaction: the rows, the sessions and the other foreign keys must come through
 * intact, and the foreign keys must still hold afterwards.
 */
import { sql, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachEngine } from '../test-engines';
import { widenRoles } from './0013-citizen-reports';

const at = '2021-07-19T02:30:00.000Z';

describeEachEngine('migration 0013 on a populated database', ({ storage, engine }) => {
  it('keeps users, sessions and their links, takes the new roles, still refuses orphans', async () => {
    const { db } = storage();
    const user = {
      id: 'u-keep',
      username: 'keep.me',
      display_name: '留存',
      role: 'inspector' as const,
      password_hash: 'scrypt$x',
      disabled: 0 as const,
      created_at: at,
    };
    await db.insertInto('users').values(user).execute();
    await db
      .insertInto('sessions')
      .values({ token_hash: 'f'.repeat(64), user_id: 'u-keep', created_at: at, expires_at: at, revoked_at: null })
      .execute();

    // The rebuild again, as the migration runs it: in one transaction.
    const raw = db as unknown as Kysely<unknown>;
    if (engine === 'sqlite') {
      await raw.connection().execute(async (connection) => {
        await sql`begin immediate`.execute(connection);
        await widenRoles(connection);
        await sql`commit`.execute(connection);
      });
    } else {
      await raw.transaction().execute((trx) => widenRoles(trx));
    }

    expect(await db.selectFrom('users').selectAll().where('id', '=', 'u-keep').executeTakeFirst()).toMatchObject(user);
    expect(await db.selectFrom('sessions').select('user_id').execute()).toEqual([{ user_id: 'u-keep' }]);
    await db
      .insertInto('users')
      .values({ ...user, id: 'u-rep', username: 'rep', role: 'reporter' })
      .execute();
    await expect(
      db
        .insertInto('users')
        .values({ ...user, id: 'u-bad', username: 'bad', role: 'root' as never })
        .execute(),
    ).rejects.toThrow();
    await expect(
      db
        .insertInto('sessions')
        .values({ token_hash: 'e'.repeat(64), user_id: 'nobody', created_at: at, expires_at: at, revoked_at: null })
        .execute(),
    ).rejects.toThrow();
    await expect(db.deleteFrom('users').where('id', '=', 'u-keep').execute()).rejects.toThrow();
  });
});
