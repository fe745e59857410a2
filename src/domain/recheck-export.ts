/**
 * The recheck results of a round as a CSV file for the office (复查结果导出): one row per
 * rectification with its original finding, its due date, its status, whether its site is closed
 * out (销号) and its latest verdict. UTF-8 with a byte-order mark so that Excel on Windows opens
 * the Chinese text correctly; CRLF line ends and RFC 4180 quoting. Cells that a spreadsheet would
 * run as a formula (starting with = + - @, a tab or a carriage return) get a leading apostrophe:
 * notes are typed by people in the field (CSV injection, OWASP).
 * Pure: the server builds the rows from storage and sends the text.
 */
import { cityDateTime } from './dates';
import type { Grade } from './grades';
import { isOverdue } from './rectification-progress';
import { SITE_TYPE_SHORT } from './item-sheet';
import type { SiteType } from './rubric';
import type { Verdict } from './wire';

export const CSV_BOM = '\uFEFF';

export interface RecheckExportRow {
  rectificationId: string;
  roundName: string;
  district: string;
  siteId: string;
  siteName: string;
  siteType: SiteType;
  itemId: string;
  itemTitle: string;
  grade: Exclude<Grade, 'A'>;
  /** The inspector's note on the item, when there was one. */
  findingNote?: string | null;
  dueOn: string;
  status: 'open' | 'closed';
  /** The site's rectifications are all closed. */
  siteClosedOut: boolean;
  beforePhotos: number;
  /** How many verdicts were recorded (the history is kept). */
  verdicts: number;
  lastVerdict?: {
    id: string;
    verdict: Verdict;
    note?: string | null;
    photos: readonly string[];
    checkedAt: string;
    checkedByName: string;
  };
}

const VERDICT_NAMES: Record<Verdict, string> = { fixed: '已整改', not_fixed: '未整改' };

export const RECHECK_EXPORT_HEADER = [
  '整改编号',
  '测评轮次',
  '区县',
  '点位编号',
  '点位名称',
  '点位类型',
  '项目编号',
  '项目名称',
  '测评评级',
  '测评备注',
  '整改期限',
  '整改状态',
  '是否逾期',
  '点位销号',
  '整改前照片数',
  '复查次数',
  '最近复查结论',
  '复查备注',
  '复查时间',
  '复查人',
  '整改后照片数',
  '整改后照片SHA-256',
  '复查编号',
] as const;

/** One CSV cell: formula-looking text defused, quoted when it holds a comma, quote or line break. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(cells: readonly (string | number | boolean | null | undefined)[]): string {
  return cells.map(csvCell).join(',');
}

/** The CSV text (with BOM) of the given rows, in the given order; `asOf` decides "overdue". */
export function recheckResultsCsv(rows: readonly RecheckExportRow[], asOf: string): string {
  const lines = [csvLine(RECHECK_EXPORT_HEADER)];
  for (const row of rows) {
    const verdict = row.lastVerdict;
    lines.push(
      csvLine([
        row.rectificationId,
        row.roundName,
        row.district,
        row.siteId,
        row.siteName,
        SITE_TYPE_SHORT[row.siteType],
        row.itemId,
        row.itemTitle,
        row.grade,
        row.findingNote ?? '',
        row.dueOn,
        row.status === 'closed' ? '已销号' : '未销号',
        isOverdue(row, asOf) ? '是' : '否',
        row.siteClosedOut ? '是' : '否',
        row.beforePhotos,
        row.verdicts,
        verdict ? VERDICT_NAMES[verdict.verdict] : '未复查',
        verdict?.note ?? '',
        verdict ? cityDateTime(verdict.checkedAt) : '',
        verdict?.checkedByName ?? '',
        verdict?.photos.length ?? 0,
        verdict?.photos.join(' ') ?? '',
        verdict?.id ?? '',
      ]),
    );
  }
  return `${CSV_BOM}${lines.join('\r\n')}\r\n`;
}
