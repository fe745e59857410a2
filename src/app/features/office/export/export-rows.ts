/**
 * The three tables the office exports, as rows of cells (header first), for CSV and XLSX
 * alike: each site's result, each site's score per rubric item, and the rectification list.
 * Figures come from the server (scores, the report's rectifications) and the domain (grade
 * factors, the rectification threshold); nothing here recomputes a site's score.
 * Headers are Chinese: these are the office's own working files.
 */
import { isDeduction, type AnswerGrade } from '../../../../domain/grades';
import { mustRectify, type RoundReport } from '../../../../domain/report';
import type { Rubric, RubricItem } from '../../../../domain/rubric';
import type { Round, Site } from '../../../../domain/wire';
import type { RoundResult } from '../../../../domain/report';
import {
  ITEM_SHEET_HEADER,
  itemPoints,
  itemSheetRow,
  SITE_TYPE_ORDER,
  SITE_TYPE_SHORT,
} from '../../../../domain/item-sheet';
import { flagsCell } from '../../../../domain/presence';
import { isOverdue } from '../shared/format';
import { RESULT_SHEET_HEADER, resultSheetRow } from '../../../../domain/result-sheet';
import type { CsvCell } from './csv';

export interface ExportContext {
  round: Pick<Round, 'rectifyBelow'>;
  /** The round's scope. */
  sites: readonly Site[];
  userName: (userId: string) => string;
  report: RoundReport;
  results: readonly RoundResult[];
  rubric: Rubric;
  today: string;
}

export interface ExportTable {
  name: string;
  rows: CsvCell[][];
}

export function bySiteOrder(a: Site, b: Site): number {
  return (
    a.district.localeCompare(b.district, 'zh-CN') ||
    SITE_TYPE_ORDER[a.type] - SITE_TYPE_ORDER[b.type] ||
    a.id.localeCompare(b.id)
  );
}

export { RESULT_SHEET_HEADER as RESULT_HEADER } from '../../../../domain/result-sheet';

export function resultRows(context: ExportContext): ExportTable {
  const bySite = new Map(context.results.map((result) => [result.siteId, result]));
  const rows: CsvCell[][] = [[...RESULT_SHEET_HEADER]];
  for (const site of [...context.sites].sort(bySiteOrder)) {
    const result = bySite.get(site.id);
    rows.push(
      resultSheetRow(
        site,
        result && {
          score: result.score,
          fullMarks: result.fullMarks,
          mustRectify: mustRectify(context.round, result.score),
          deductions: Object.values(result.grades).filter((grade) => isDeduction(grade)).length,
          inspectorName: context.userName(result.inspectorId),
          submittedAt: result.submittedAt,
          revision: result.revision,
          flags: result.flags,
        },
      ),
    );
  }
  return { name: '测评结果', rows };
}

export { ITEM_SHEET_HEADER as ITEM_HEADER };

/** Points an item earns at a grade: points × grade factor; null when not applicable. */
export function itemScore(item: Pick<RubricItem, 'points'>, grade: AnswerGrade | undefined): number | null {
  return itemPoints(item, grade);
}

export function itemRows(context: ExportContext): ExportTable {
  const sites = new Map(context.sites.map((site) => [site.id, site]));
  const rows: CsvCell[][] = [[...ITEM_SHEET_HEADER]];
  const ordered = context.results
    .filter((result) => sites.has(result.siteId))
    .sort((a, b) => bySiteOrder(sites.get(a.siteId)!, sites.get(b.siteId)!));
  for (const result of ordered) {
    const site = sites.get(result.siteId)!;
    const file = context.rubric.types[site.type];
    for (const item of file.items) {
      rows.push(
        itemSheetRow(
          site,
          file,
          item,
          {
            grade: result.grades[item.id],
            defects: result.defects?.[item.id] ?? null,
            note: result.notes?.[item.id] ?? null,
          },
          flagsCell(result.flags),
        ),
      );
    }
  }
  return { name: '分项得分', rows };
}

export const RECTIFICATION_HEADER = [
  '序号',
  '区县',
  '点位编号',
  '点位名称',
  '类型',
  '项目编号',
  '问题',
  '等级',
  '整改期限',
  '状态',
  '逾期',
] as const;

export function rectificationRows(context: ExportContext): ExportTable {
  const sites = new Map(context.sites.map((site) => [site.id, site]));
  const titles = new Map(
    Object.values(context.rubric.types).flatMap((file) => file.items.map((item) => [item.id, item.title] as const)),
  );
  const rows: CsvCell[][] = [[...RECTIFICATION_HEADER]];
  const list = [...context.report.rectifications].sort(
    (a, b) =>
      a.dueOn.localeCompare(b.dueOn) ||
      (sites.get(a.siteId)?.district ?? '').localeCompare(sites.get(b.siteId)?.district ?? '', 'zh-CN') ||
      a.siteId.localeCompare(b.siteId) ||
      a.itemId.localeCompare(b.itemId),
  );
  list.forEach((rectification, index) => {
    const site = sites.get(rectification.siteId);
    rows.push([
      index + 1,
      site?.district ?? null,
      rectification.siteId,
      site?.name ?? null,
      site ? SITE_TYPE_SHORT[site.type] : null,
      rectification.itemId,
      titles.get(rectification.itemId) ?? rectification.itemId,
      rectification.grade,
      rectification.dueOn,
      rectification.status === 'closed' ? '已销号' : '待整改',
      isOverdue(rectification, context.today) ? '是' : '否',
    ]);
  });
  return { name: '整改清单', rows };
}
