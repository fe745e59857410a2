/**
 * The figures of the responsible units' loop (issue #17), per district and per unit, counted
 * over the dispatched rectifications of a round:
 *
 * - 按期整改率 `onTimeRate`: closed on or before the due date (Shanghai date of the closing
 *   recheck ≤ `dueOn`, the due date as extended), over the dispatched items still to rectify
 *   (an upheld objection's withdrawn item has nothing to rectify);
 * - 返工率 `sentBackRate`: items a recheck sent back at least once, over the same;
 * - 延期率 `extensionRate`: items given an approved extension, over the same;
 * - 申诉率 `objectionRate`: items objected to, over every dispatched item (withdrawn included);
 * - 申诉改判率 `upheldRate`: objections upheld, over objections decided.
 *
 * Rates are fractions 0–1 rounded to four decimals, `null` when their base is zero.
 */
import { cityDate } from './dates';

export interface LoopItem {
  district: string;
  dueOn: string;
  closedAt: string | null;
  withdrawn: boolean;
  sentBack: boolean;
  extended: boolean;
  objected: boolean;
  /** The decision on its objection, when decided. */
  objectionDecision: 'approved' | 'refused' | null;
}

export interface LoopCounts {
  dispatched: number;
  toRectify: number;
  closedOnTime: number;
  sentBack: number;
  extended: number;
  objected: number;
  objectionsDecided: number;
  objectionsUpheld: number;
}

export interface LoopFigures extends LoopCounts {
  onTimeRate: number | null;
  sentBackRate: number | null;
  extensionRate: number | null;
  objectionRate: number | null;
  upheldRate: number | null;
}

const rate = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);

export function loopFigures(items: readonly LoopItem[]): LoopFigures {
  const counts: LoopCounts = {
    dispatched: items.length,
    toRectify: 0,
    closedOnTime: 0,
    sentBack: 0,
    extended: 0,
    objected: 0,
    objectionsDecided: 0,
    objectionsUpheld: 0,
  };
  for (const item of items) {
    if (item.objected) counts.objected += 1;
    if (item.objectionDecision) counts.objectionsDecided += 1;
    if (item.objectionDecision === 'approved') counts.objectionsUpheld += 1;
    if (item.withdrawn) continue;
    counts.toRectify += 1;
    if (item.closedAt && cityDate(item.closedAt) <= item.dueOn) counts.closedOnTime += 1;
    if (item.sentBack) counts.sentBack += 1;
    if (item.extended) counts.extended += 1;
  }
  return {
    ...counts,
    onTimeRate: rate(counts.closedOnTime, counts.toRectify),
    sentBackRate: rate(counts.sentBack, counts.toRectify),
    extensionRate: rate(counts.extended, counts.toRectify),
    objectionRate: rate(counts.objected, counts.dispatched),
    upheldRate: rate(counts.objectionsUpheld, counts.objectionsDecided),
  };
}

/** The figures of each group (district, unit), groups in the order of `order`. */
export function loopFiguresBy<K extends string>(
  groups: ReadonlyMap<K, readonly LoopItem[]>,
  order: (a: K, b: K) => number,
): { key: K; figures: LoopFigures }[] {
  return [...groups.keys()].sort(order).map((key) => ({ key, figures: loopFigures(groups.get(key)!) }));
}

/** What the figures sheet is given: the round's figures as `GET /api/rounds/{id}/unit-figures` answers them. */
export interface RoundLoopFigures {
  totals: LoopFigures;
  byDistrict: readonly (LoopFigures & { district: string })[];
  byUnit: readonly (LoopFigures & { displayName: string })[];
}

export const UNIT_FIGURES_HEADER = [
  '范围',
  '名称',
  '交办数',
  '应整改数',
  '按期整改数',
  '按期整改率',
  '返工数',
  '返工率',
  '延期数',
  '延期率',
  '申诉数',
  '申诉率',
  '已决申诉数',
  '改判数',
  '申诉改判率',
] as const;

/** A rate as the sheet shows it: a percentage with one decimal, blank without a base. */
export function percentCell(value: number | null): string {
  return value === null ? '' : `${(Math.round(value * 1000) / 10).toFixed(1)}%`;
}

/**
 * The figures as sheet rows (the CSV export, #17): totals, then each district, then each unit,
 * with the counts beside each rate so a reader can check it by hand.
 */
export function unitFiguresRows(figures: RoundLoopFigures): (string | number)[][] {
  const row = (scope: string, name: string, f: LoopFigures) => [
    scope,
    name,
    f.dispatched,
    f.toRectify,
    f.closedOnTime,
    percentCell(f.onTimeRate),
    f.sentBack,
    percentCell(f.sentBackRate),
    f.extended,
    percentCell(f.extensionRate),
    f.objected,
    percentCell(f.objectionRate),
    f.objectionsDecided,
    f.objectionsUpheld,
    percentCell(f.upheldRate),
  ];
  return [
    [...UNIT_FIGURES_HEADER],
    row('合计', '全部', figures.totals),
    ...figures.byDistrict.map((each) => row('区', each.district, each)),
    ...figures.byUnit.map((each) => row('责任单位', each.displayName, each)),
  ];
}
