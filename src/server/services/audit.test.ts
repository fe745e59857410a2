// The audit chain on both engines: appends from concurrent transactions numbered without gaps,
// every kind of tampering named at the entry where it shows, and `npm run audit:verify`'s exit code.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { beforeEach, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../config';
import { describeEachEngine } from '../storage/test-engines';
import { GENESIS_HASH } from '../storage/migrations/0010-review-and-audit';
import { chainVerdict, entryHash, recordAudit, verifyAuditChain } from './audit';

const run = promisify(execFile);

describeEachEngine('audit chain', ({ storage, dataDir, databaseUrl }) => {
  const append = (n: number) =>
    storage()
      .db.transaction()
      .execute((trx) =>
        recordAudit(trx, {
          actor: { id: 'u1', displayName: '张伟' },
          action: 'review.approved',
          at: new Date(Date.UTC(2021, 6, 19, 2, 0, n)).toISOString(),
          inspectionId: `i-${n}`,
          detail: { n },
        }),
      );

  beforeEach(async () => {
    const { db } = storage();
    await db.deleteFrom('audit_log').execute();
    await db.updateTable('audit_chain_head').set({ seq: 0, hash: GENESIS_HASH }).execute();
  });

  it('numbers concurrent appends without gaps, each naming the one before', async () => {
    const seqs = await Promise.all(Array.from({ length: 24 }, (_, n) => append(n)));
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, n) => n + 1));
    expect(await verifyAuditChain(storage().db, 5)).toEqual({ whole: true, entries: 24 });
  });

  it('an entry rolled back with its change leaves no trace in the chain', async () => {
    await append(1);
    await expect(
      storage()
        .db.transaction()
        .execute(async (trx) => {
          await recordAudit(trx, { actor: null, action: 'round.created', detail: {} });
          throw new Error('the change failed');
        }),
    ).rejects.toThrow('the change failed');
    await append(2);
    expect(await verifyAuditChain(storage().db)).toEqual({ whole: true, entries: 2 });
  });

  it('names the entry whose content was changed', async () => {
    for (let n = 1; n <= 5; n++) await append(n);
    await sql`update audit_log set actor_name = '李娜' where seq = 3`.execute(storage().db);
    const report = await verifyAuditChain(storage().db);
    expect(report).toEqual({ whole: false, entries: 2, brokenAt: { seq: 3, problem: 'content_changed' } });
    expect(chainVerdict(report)).toContain('第 3 条');
  });

  it('an entry rewritten with a correctly recomputed hash breaks the link of the next one', async () => {
    for (let n = 1; n <= 4; n++) await append(n);
    const { db } = storage();
    const row = await db.selectFrom('audit_log').selectAll().where('seq', '=', 2).executeTakeFirstOrThrow();
    const forged = { ...row, seq: Number(row.seq), detail_json: '{"n":99}' };
    const { hash: _old, ...fields } = forged;
    await db
      .updateTable('audit_log')
      .set({ detail_json: forged.detail_json, hash: entryHash(fields) })
      .where('seq', '=', 2)
      .execute();
    expect(await verifyAuditChain(db)).toEqual({
      whole: false,
      entries: 2,
      brokenAt: { seq: 3, problem: 'link_broken' },
    });
  });

  it('names a gap where an entry was deleted, and entries removed at the end', async () => {
    for (let n = 1; n <= 4; n++) await append(n);
    await sql`delete from audit_log where seq = 4`.execute(storage().db);
    expect(await verifyAuditChain(storage().db)).toEqual({
      whole: false,
      entries: 3,
      brokenAt: { seq: 4, problem: 'head_mismatch' },
    });
    await sql`delete from audit_log where seq = 2`.execute(storage().db);
    expect(await verifyAuditChain(storage().db)).toMatchObject({ brokenAt: { seq: 3, problem: 'entry_missing' } });
  });

  it('an entry that arrives during the check is left for the next one, not taken for a broken end', async () => {
    for (let n = 1; n <= 3; n++) await append(n);
    // What a check that read the head before entry 3 committed sees: the head at entry 2, and
    // entry 3 in the log by the time the pages are read.
    const second = await storage()
      .db.selectFrom('audit_log')
      .select('hash')
      .where('seq', '=', 2)
      .executeTakeFirstOrThrow();
    await storage().db.updateTable('audit_chain_head').set({ seq: 2, hash: second.hash }).execute();
    expect(await verifyAuditChain(storage().db)).toEqual({ whole: true, entries: 2 });
  });

  it('npm run audit:verify exits 0 on a whole chain and 1 naming the broken entry', async () => {
    for (let n = 1; n <= 3; n++) await append(n);
    const env = { ...process.env, DATA_DIR: dataDir(), DATABASE_URL: databaseUrl() ?? '' };
    const whole = await run('npx', ['tsx', 'scripts/audit-verify.ts'], { cwd: PROJECT_ROOT, env });
    expect(whole.stdout).toContain('操作记录完整：3 条');
    await sql`update audit_log set detail_json = '{"n":9}' where seq = 2`.execute(storage().db);
    const broken = await run('npx', ['tsx', 'scripts/audit-verify.ts'], { cwd: PROJECT_ROOT, env }).catch(
      (error: { code: number; stdout: string }) => error,
    );
    expect(broken).toMatchObject({ code: 1 });
    expect(broken.stdout).toContain('第 2 条');
  }, 60_000);
});
