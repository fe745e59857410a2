// `exclusively` on both engines: work taken under the same key never interleaves. On PostgreSQL
// two connection pools on one database stand in for two server processes. SQLite is served by
// one process (its driver is synchronous: a second connection in the same process would block
// the thread the first one needs to finish), so there both "processes" share the storage.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signIn, createUser } from '../auth/users';
import { ApiError } from '../http/api-error';
import { openDatabase, type Storage } from './database';
import { exclusively } from './exclusive';
import { describeEachEngine } from './test-engines';

/** A cheap scrypt cost: the test counts guesses, it does not time them. */
const CHEAP = { N: 2 ** 10, r: 8, p: 1 };
const CLIENT = '203.0.113.5';

describeEachEngine('exclusively', (engine) => {
  let second: Storage;
  beforeAll(async () => {
    second =
      engine.engine === 'postgres'
        ? await openDatabase({ dataDir: engine.dataDir(), databaseUrl: engine.databaseUrl() })
        : engine.storage();
  });
  afterAll(async () => {
    if (second !== engine.storage()) await second.close();
  });

  it('runs read-then-write work for one key one at a time, across processes', async () => {
    const processes = [engine.storage(), second];
    // Each task reads how many rows the key has, waits, then writes the next number: any overlap
    // would write a number twice (or fail on a stale snapshot).
    const task = (storage: Storage) =>
      exclusively(storage, 'counter', async (trx) => {
        const { rows } = await trx
          .selectFrom('sign_in_failures')
          .select((eb) => eb.fn.countAll<number>().as('rows'))
          .where('username', '=', 'counter')
          .executeTakeFirstOrThrow();
        await sleep(2);
        await trx
          .insertInto('sign_in_failures')
          .values({ username: 'counter', at: String(rows) })
          .execute();
      });
    await Promise.all(Array.from({ length: 30 }, (_, i) => task(processes[i % 2]!)));
    const written = await engine
      .storage()
      .db.selectFrom('sign_in_failures')
      .select('at')
      .where('username', '=', 'counter')
      .execute();
    expect(written.map((row) => Number(row.at)).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('rolls back what failed work wrote, and lets the next one in', async () => {
    await expect(
      exclusively(engine.storage(), 'rollback', async (trx) => {
        await trx.insertInto('sign_in_failures').values({ username: 'rollback', at: 'x' }).execute();
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const after = await exclusively(second, 'rollback', (trx) =>
      trx.selectFrom('sign_in_failures').selectAll().where('username', '=', 'rollback').execute(),
    );
    expect(after).toEqual([]);
  });

  it('counts sign-in guesses sent to two server processes at once: 10 wrong passwords, then 429', async () => {
    const now = new Date();
    await createUser(
      engine.storage().db,
      { username: 'guessed', password: 'the-right-password', displayName: '被猜者', role: 'inspector' },
      now,
      CHEAP,
    );
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        signIn(
          { ...(i % 2 ? second : engine.storage()), passwordCost: CHEAP },
          'guessed',
          `guess-${i}`,
          CLIENT,
          now,
        ).then(
          () => 'signed in',
          (error: unknown) => (error instanceof ApiError ? error.code : String(error)),
        ),
      ),
    );
    const tally = outcomes.reduce<Record<string, number>>(
      (sum, code) => ({ ...sum, [code]: (sum[code] ?? 0) + 1 }),
      {},
    );
    expect(tally).toEqual({ invalid_credentials: 10, too_many_attempts: 10 });
  });
});
