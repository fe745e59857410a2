// The group committer: writes that arrive together share a transaction, each settles with its
// own outcome only after its commit, and one failing write costs the others nothing but a retry.
import { sql, type Transaction } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { createGroupCommitter } from './group-commit';
import type { Database } from './schema';
import { describeEachEngine } from './test-engines';

describeEachEngine('group commit', (engine) => {
  beforeAll(async () => {
    await sql`create table group_commit_test (id text primary key, seen integer not null)`.execute(engine.storage().db);
  });

  const count = async (trx: Transaction<Database>) =>
    Number((await sql<{ n: number }>`select count(*) as n from group_commit_test`.execute(trx)).rows[0]!.n);
  const insert = (id: string) => async (trx: Transaction<Database>) => {
    const seen = await count(trx);
    await sql`insert into group_commit_test (id, seen) values (${id}, ${seen})`.execute(trx);
    return id;
  };
  const rows = async () =>
    (
      await sql<{ id: string; seen: number }>`select id, seen from group_commit_test order by id`.execute(
        engine.storage().db,
      )
    ).rows.map((row) => ({ id: row.id, seen: Number(row.seen) }));

  it('stores writes that arrive together in one group, in order, each settling with its own result', async () => {
    const { db } = engine.storage();
    await sql`delete from group_commit_test`.execute(db);
    let transactions = 0;
    const counting = new Proxy(db, {
      get: (target, key, receiver) =>
        key === 'transaction'
          ? () => {
              transactions++;
              return target.transaction();
            }
          : (Reflect.get(target, key, receiver) as unknown),
    });
    const committer = createGroupCommitter(counting);
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((id) => committer.execute(insert(id))));
    expect(results).toEqual(['a', 'b', 'c', 'd']);
    // Each write saw the ones before it in its group, as if they had been committed one by one.
    expect(await rows()).toEqual([
      { id: 'a', seen: 0 },
      { id: 'b', seen: 1 },
      { id: 'c', seen: 2 },
      { id: 'd', seen: 3 },
    ]);
    expect(transactions).toBe(1);
  });

  it('answers only after the commit: a settled write is visible to every connection', async () => {
    const { db } = engine.storage();
    await sql`delete from group_commit_test`.execute(db);
    const committer = createGroupCommitter(db);
    const seenAtSettle = await Promise.all(
      ['e', 'f', 'g'].map((id) =>
        committer.execute(insert(id)).then(async () => (await rows()).some((row) => row.id === id)),
      ),
    );
    expect(seenAtSettle).toEqual([true, true, true]);
  });

  it('a failing write rejects with its own error; the others of its group are stored', async () => {
    const { db } = engine.storage();
    await sql`delete from group_commit_test`.execute(db);
    const committer = createGroupCommitter(db);
    await committer.execute(insert('dup'));
    const outcomes = await Promise.allSettled([
      committer.execute(insert('h')),
      committer.execute(insert('dup')), // unique violation
      committer.execute(async () => {
        throw new Error('not this one');
      }),
      committer.execute(insert('i')),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(((outcomes[2] as PromiseRejectedResult).reason as Error).message).toBe('not this one');
    expect((await rows()).map((row) => row.id)).toEqual(['dup', 'h', 'i']);
  });
});
