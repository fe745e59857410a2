/**
 * The audit trail (操作记录) on the wire: entries as the office reads them, the chain check's
 * answer, and the CSV export (shared by the server's download and its tests).
 */
import { csvLine } from './csv';
import { cityDateTime } from './dates';

export interface AuditEntryView {
  seq: number;
  at: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  roundId: string | null;
  siteId: string | null;
  inspectionId: string | null;
  subject: string | null;
  /** Before → after, or a digest. */
  detail: Record<string, unknown>;
  hash: string;
}

export interface AuditPage {
  entries: AuditEntryView[];
  /** Pass as `before` for the next (older) page; absent on the last page. */
  next?: number;
}

export type ChainProblem = 'content_changed' | 'link_broken' | 'entry_missing' | 'head_mismatch';

/** `GET /api/audit/verify`: whether the chain is whole and where it first breaks. */
export interface ChainReport {
  whole: boolean;
  /** Entries checked before the break (all of them when whole). */
  entries: number;
  brokenAt?: { seq: number; problem: ChainProblem };
}

export const AUDIT_CSV_HEADER = ['序号', '时间', '操作人', '操作', '轮次', '点位', '测评', '对象', '详情', '哈希'];

/** The entries as CSV rows (header first), times in Asia/Shanghai. */
export function auditCsvLines(entries: readonly AuditEntryView[], withHeader: boolean): string {
  const lines = entries.map((entry) =>
    csvLine([
      entry.seq,
      cityDateTime(entry.at),
      entry.actorName ?? entry.actorId ?? '',
      entry.action,
      entry.roundId,
      entry.siteId,
      entry.inspectionId,
      entry.subject,
      JSON.stringify(entry.detail),
      entry.hash,
    ]),
  );
  return (withHeader ? [csvLine(AUDIT_CSV_HEADER), ...lines] : lines).join('');
}
