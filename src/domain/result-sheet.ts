/**
 * The results sheet (测评结果): its header and one row per in-scope site, inspected or not,
 * written alike by the office's XLSX export in the browser (export-rows.ts `resultRows`) and by
 * the server's streamed CSV (services/result-export.ts), so the two cannot drift apart.
 */
import type { CsvCell } from './csv';
import { cityDateTime } from './dates';
import { SITE_TYPE_SHORT } from './item-sheet';
import { flagsCell, type PresenceFlag } from './presence';
import type { SiteType } from './rubric';

export const RESULT_SHEET_HEADER = [
  '区县',
  '点位编号',
  '点位名称',
  '类型',
  '测评状态',
  '得分',
  '满分',
  '须整改',
  '扣分项数',
  '测评员',
  '提交时间',
  '版本',
  '核验提示',
] as const;

export interface ResultSheetSite {
  id: string;
  name: string;
  district: string;
  type: SiteType;
}

/** A site's current result as the sheet shows it. */
export interface ResultSheetResult {
  score: number;
  fullMarks: boolean;
  mustRectify: boolean;
  /** Items that lost points. */
  deductions: number;
  inspectorName: string;
  submittedAt: string;
  revision: number;
  /** Proof-of-presence flags: `[]` clean, null never checked, undefined from a server without them. */
  flags: readonly PresenceFlag[] | null | undefined;
}

export function resultSheetRow(site: ResultSheetSite, result: ResultSheetResult | undefined): CsvCell[] {
  const base = [site.district, site.id, site.name, SITE_TYPE_SHORT[site.type]];
  // 满分 stays a yes/no column: an uninspected site has no score and no full marks.
  if (!result) return [...base, '未测评', null, null, null, null, null, null, null, null];
  return [
    ...base,
    '已测评',
    result.score,
    result.fullMarks ? '是' : '否',
    result.mustRectify ? '是' : '否',
    result.deductions,
    result.inspectorName,
    Number.isNaN(Date.parse(result.submittedAt)) ? '—' : cityDateTime(result.submittedAt),
    result.revision,
    flagsCell(result.flags),
  ];
}
