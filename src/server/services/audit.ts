/**
 * The audit trail (操作记录): one append-only table, `audit_log`, written by `recordAudit` inside
 * the transaction of the change it records, so an entry exists exactly when its change does.
 *
 * Tamper-evident: each entry's `hash` is SHA-256 over the previous entry's hash and the entry's own
 * fields; `verifyAuditChain` recomputes the chain and names the first entry that does not fit.
 *
 * Serialised appends: a transaction's first append (or `lockAuditChain`) first updates the single
 * row `audit_chain_head`, which on PostgreSQL locks it until the transaction ends; SQLite has one
 * writer anyway. Each append then moves the head (seq + 1, its hash). So entries
 * are numbered without gaps in commit order, whatever number of processes write. To avoid lock
 * cycles, a transaction that records an entry takes the head before any other row lock it holds
 * across the append: call `lockAuditChain` first when a change must be read before it is logged.
 */
import { createHash } from 'node:crypto';
import { PostgresAdapter, type Kysely, type Transaction } from 'kysely';
import type { AuditEntryView, AuditPage, ChainProblem, ChainReport } from '../../domain/audit';
import { canonicalJson } from '../../domain/canonical-json';
import type { Database, Row } from '../storage/schema';
import { GENESIS_HASH } from '../storage/migrations/0010-review-and-audit';

export const AUDIT_ACTIONS = [
  'inspection.received',
  'recheck.received',
  'review.approved',
  'review.returned',
  'correction.made',
  'round.created',
  'round.changed',
  'assignments.added',
  'assignments.removed',
  'sites.upserted',
  'user.created',
  'user.changed',
  'session.signed_in',
  'session.sign_in_failed',
  'session.signed_out',
  'session.password_changed',
  'publication.published',
  'publication.withdrawn',
  'export.downloaded',
  'rectifications.dispatched',
  'unit_link.issued',
  'unit_link.revoked',
  'unit.answered',
  'unit.requested',
  'unit_request.decided',
  'citizen_report.decided',
  'citizen_report.unit_answered',
  'bulletin.saved',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditActor {
  id: string;
  displayName?: string;
  username?: string;
}

export interface AuditEntry {
  actor: AuditActor | null;
  action: AuditAction;
  roundId?: string | null;
  siteId?: string | null;
  inspectionId?: string | null;
  subject?: string | null;
  /** Before → after (`{before, after}`), or a digest of what was received. */
  detail: Record<string, unknown>;
  /** When; defaults to now. */
  at?: string;
}

/**
 * The head as this transaction last left it, once it holds the head's lock: the appends after
 * the first in one transaction (a group commit stores several inspections in one) read nothing
 * and write the head once each. Keyed by the transaction object, so it dies with it; a rolled
 * back transaction's entry is never seen by another.
 */
const heads = new WeakMap<Transaction<Database>, { seq: number; hash: string }>();

/** Takes the chain head's lock in this transaction (idempotent within it) and reads it. */
async function heldHead(trx: Transaction<Database>): Promise<{ seq: number; hash: string }> {
  const held = heads.get(trx);
  if (held) return held;
  // Setting seq to itself locks the row (PostgreSQL) and returns it: one round trip.
  const row = await trx
    .updateTable('audit_chain_head')
    .set({ seq: (eb) => eb.ref('seq') })
    .where('id', '=', 1)
    .returning(['seq', 'hash'])
    .executeTakeFirstOrThrow();
  const head = { seq: Number(row.seq), hash: row.hash };
  heads.set(trx, head);
  return head;
}

/** Moves the chain head's lock into this transaction (idempotent within it). */
export async function lockAuditChain(trx: Transaction<Database>): Promise<void> {
  await heldHead(trx);
}

/** Appends one entry to the chain, in `trx`; its sequence number. */
export async function recordAudit(trx: Transaction<Database>, entry: AuditEntry): Promise<number> {
  const head = await heldHead(trx);
  const row = {
    seq: head.seq + 1,
    at: entry.at ?? new Date().toISOString(),
    actor_id: entry.actor?.id ?? null,
    actor_name: entry.actor ? (entry.actor.displayName ?? entry.actor.username ?? null) : null,
    action: entry.action,
    round_id: entry.roundId ?? null,
    site_id: entry.siteId ?? null,
    inspection_id: entry.inspectionId ?? null,
    subject: entry.subject ?? null,
    detail_json: canonicalJson(entry.detail),
    prev_hash: head.hash,
  };
  const hash = entryHash(row);
  await appendAndMoveHead(trx, { ...row, hash });
  heads.set(trx, { seq: row.seq, hash });
  return row.seq;
}

/**
 * Inserts the entry and moves the head to it. PostgreSQL does both in one statement (a
 * data-modifying WITH); SQLite, in process, in two.
 */
async function appendAndMoveHead(trx: Transaction<Database>, entry: Row<'audit_log'>): Promise<void> {
  const moveHead = { seq: entry.seq, hash: entry.hash };
  if (isPostgres(trx)) {
    await trx
      .with('appended', (db) => db.insertInto('audit_log').values(entry))
      .updateTable('audit_chain_head')
      .set(moveHead)
      .where('id', '=', 1)
      .execute();
    return;
  }
  await trx.insertInto('audit_log').values(entry).execute();
  await trx.updateTable('audit_chain_head').set(moveHead).where('id', '=', 1).execute();
}

function isPostgres(trx: Transaction<Database>): boolean {
  return trx.getExecutor().adapter instanceof PostgresAdapter;
}

type HashedFields = Omit<Row<'audit_log'>, 'hash'>;

/** SHA-256 over the previous hash and every field of the entry, in a fixed order. */
export function entryHash(row: HashedFields): string {
  const fields = [
    row.seq,
    row.at,
    row.actor_id,
    row.actor_name,
    row.action,
    row.round_id,
    row.site_id,
    row.inspection_id,
    row.subject,
    row.detail_json,
  ];
  return createHash('sha256')
    .update(`${row.prev_hash}\n${JSON.stringify(fields)}`)
    .digest('hex');
}

/** Recomputes the whole chain, a page at a time, and says where it first breaks. */
export async function verifyAuditChain(db: Kysely<Database>, pageSize = 2000): Promise<ChainReport> {
  // The head first: entries are written in the transaction that moves it, so every entry up to
  // the head's seq is committed, and entries that arrive during the check (a busy server) lie
  // beyond it — checked next time, never mistaken for a broken end.
  const head = await db.selectFrom('audit_chain_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
  const headSeq = head ? Number(head.seq) : 0;
  let previousHash = GENESIS_HASH;
  let previousSeq = 0;
  let entries = 0;
  for (;;) {
    const page = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', previousSeq)
      .where('seq', '<=', headSeq)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    for (const stored of page) {
      const row = { ...stored, seq: Number(stored.seq) };
      const broken = (problem: ChainProblem): ChainReport => ({
        whole: false,
        entries,
        brokenAt: { seq: row.seq, problem },
      });
      if (row.seq !== previousSeq + 1) return broken('entry_missing');
      if (row.prev_hash !== previousHash) return broken('link_broken');
      const { hash, ...fields } = row;
      if (entryHash(fields) !== hash) return broken('content_changed');
      previousHash = hash;
      previousSeq = row.seq;
      entries += 1;
    }
    if (page.length < pageSize) break;
  }
  if (!head || previousSeq !== headSeq || head.hash !== previousHash) {
    return { whole: false, entries, brokenAt: { seq: previousSeq + 1, problem: 'head_mismatch' } };
  }
  return { whole: true, entries };
}

/** The sending device as the audit trail names it: the request's User-Agent, shortened. */
export function deviceOf(headers: { 'user-agent'?: string | undefined }): string | null {
  const agent = headers['user-agent'];
  return agent ? agent.slice(0, 200) : null;
}

/** Records an entry that has no other write to go with (an export, a failed sign-in). */
export async function recordAuditAlone(db: Kysely<Database>, entry: AuditEntry): Promise<number> {
  return db.transaction().execute((trx) => recordAudit(trx, entry));
}

export interface AuditFilter {
  roundId?: string;
  siteId?: string;
  inspectionId?: string;
  actorId?: string;
  action?: string;
  /** Entries older than this sequence number (the next page). */
  before?: number;
  limit: number;
}

/** The log, newest first, a page at a time. */
export async function listAudit(db: Kysely<Database>, filter: AuditFilter): Promise<AuditPage> {
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .$if(filter.roundId !== undefined, (q) => q.where('round_id', '=', filter.roundId!))
    .$if(filter.siteId !== undefined, (q) => q.where('site_id', '=', filter.siteId!))
    .$if(filter.inspectionId !== undefined, (q) => q.where('inspection_id', '=', filter.inspectionId!))
    .$if(filter.actorId !== undefined, (q) => q.where('actor_id', '=', filter.actorId!))
    .$if(filter.action !== undefined, (q) => q.where('action', '=', filter.action!))
    .$if(filter.before !== undefined, (q) => q.where('seq', '<', filter.before!))
    .orderBy('seq', 'desc')
    .limit(filter.limit + 1)
    .execute();
  const entries = rows.slice(0, filter.limit).map(auditEntryView);
  return rows.length > filter.limit ? { entries, next: entries.at(-1)!.seq } : { entries };
}

export function auditEntryView(row: Row<'audit_log'>): AuditEntryView {
  return {
    seq: Number(row.seq),
    at: row.at,
    actorId: row.actor_id,
    actorName: row.actor_name,
    action: row.action,
    roundId: row.round_id,
    siteId: row.site_id,
    inspectionId: row.inspection_id,
    subject: row.subject,
    detail: JSON.parse(row.detail_json) as Record<string, unknown>,
    hash: row.hash,
  };
}

const PROBLEM_WORDS: Record<ChainProblem, string> = {
  content_changed: '内容被改动，与其哈希不符 (its content no longer matches its hash)',
  link_broken: '未指向上一条的哈希 (it does not name the previous entry’s hash)',
  entry_missing: '之前有记录缺失 (an entry before it is missing)',
  head_mismatch: '末尾的记录被删除或链头被改动 (entries were removed at the end, or the head was changed)',
};

/** The check's answer in words, for the command line. */
export function chainVerdict(report: ChainReport): string {
  if (report.whole)
    return `操作记录完整：${report.entries} 条，哈希链无断裂 (the chain is whole: ${report.entries} entries)`;
  const { seq, problem } = report.brokenAt!;
  return `操作记录已被篡改：第 ${seq} 条${PROBLEM_WORDS[problem]}；之前 ${report.entries} 条完好 (broken at entry ${seq})`;
}
