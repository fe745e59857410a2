/**
 * The per-item score sheet (分项得分): its header and one row per rubric item of a site's result,
 * written alike by the office's export in the browser (export-rows.ts `itemRows`) and by the
 * server's streamed CSV (services/item-export.ts), so the two files cannot drift apart.
 */
import type { CsvCell } from './csv';
import { GRADE_PERCENT, type AnswerGrade } from './grades';
import type { RubricFile, RubricItem, SiteType } from './rubric';
import { roundScore } from './scoring';

export const ITEM_SHEET_HEADER = [
  '区县',
  '点位编号',
  '点位名称',
  '类型',
  '项目编号',
  '类别',
  '测评项目',
  '分值',
  '等级',
  '缺陷数',
  '得分',
  '备注',
  '核验提示',
] as const;

/** Site types as the office's sheets name them, and the order they are listed in. */
export const SITE_TYPE_SHORT: Record<SiteType, string> = { center: '中心', institute: '所', station: '站' };
export const SITE_TYPE_ORDER: Record<SiteType, number> = { center: 0, institute: 1, station: 2 };

/** Points an item earns at a grade: points × grade factor; null when not applicable or not graded. */
export function itemPoints(item: Pick<RubricItem, 'points'>, grade: AnswerGrade | undefined): number | null {
  if (!grade || grade === 'NA') return null;
  return roundScore((item.points * GRADE_PERCENT[grade]) / 100);
}

export interface ItemAnswer {
  grade: AnswerGrade | undefined;
  defects: number | null;
  note: string | null;
}

/** The result's proof-of-presence flags (`flagsCell`), the same on each of the site's lines. */
export type FlagsCell = string;

export function itemSheetRow(
  site: { district: string; id: string; name: string; type: SiteType },
  file: RubricFile,
  item: RubricItem,
  answer: ItemAnswer,
  flags: FlagsCell,
): CsvCell[] {
  return [
    site.district,
    site.id,
    site.name,
    SITE_TYPE_SHORT[site.type],
    item.id,
    file.categories[item.category]?.title ?? item.category,
    item.title,
    item.points,
    answer.grade === 'NA' ? '不适用' : (answer.grade ?? null),
    answer.defects,
    itemPoints(item, answer.grade),
    answer.note,
    flags,
  ];
}
