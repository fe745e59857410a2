/**
 * The rubric as data: the zod schema of a `rubric/<version>/<type>.json` file, the checks that
 * zod cannot express (unique ids, points adding up to 100, count rules that agree with the
 * grades), and the rule that turns a counted number of defects into a grade.
 */
import * as z from 'zod/mini';
import { GRADES, type Grade } from './grades';

import { SITE_TYPES, type SiteType } from './ids';

export { SITE_TYPES, type SiteType };

export const RUBRIC_ITEM_ID = /^[A-Z][0-9]{2,3}$/;
export const RUBRIC_VERSION = /^[0-9A-Za-z._-]{1,32}$/;

const nonEmpty = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

export const countRuleSchema = z.object({
  unit: nonEmpty(8),
  unitEn: nonEmpty(40),
  counts: nonEmpty(60),
  countsEn: nonEmpty(120),
  /** The most defects each grade tolerates; a count above every listed maximum is C#. */
  maxDefects: z.partialRecord(z.enum(['A', 'B', 'C']), z.int().check(z.gte(0))),
});
export type CountRule = z.infer<typeof countRuleSchema>;

export const rubricItemSchema = z.object({
  id: z.string().check(z.regex(RUBRIC_ITEM_ID, 'item id must look like T01')),
  category: z.string().check(z.regex(/^[A-Z]{2,8}$/, 'category must be a code such as SITE')),
  title: nonEmpty(60),
  titleEn: nonEmpty(120),
  guidance: nonEmpty(300),
  guidanceEn: nonEmpty(600),
  points: z.number().check(z.positive(), z.lte(100)),
  grades: z.array(z.enum(GRADES)).check(z.minLength(2)),
  gradeRule: nonEmpty(200),
  gradeRuleEn: nonEmpty(300),
  countRule: z.optional(countRuleSchema),
  allowNa: z.boolean(),
  photoRequired: z.boolean(),
  provenance: z.optional(z.array(z.string())),
  sources: z.optional(z.array(z.string())),
});
export type RubricItem = z.infer<typeof rubricItemSchema>;

export const rubricFileSchema = z.object({
  version: z.string().check(z.regex(RUBRIC_VERSION)),
  type: z.enum(SITE_TYPES),
  title: nonEmpty(40),
  titleEn: nonEmpty(80),
  categories: z.record(z.string(), z.object({ title: nonEmpty(20), titleEn: nonEmpty(60) })),
  items: z.array(rubricItemSchema).check(z.minLength(1)),
});
export type RubricFile = z.infer<typeof rubricFileSchema>;

/** One rubric version as the API serves it: `{version, types: {center: {...}, ...}}`. */
export interface Rubric {
  version: string;
  types: Record<SiteType, RubricFile>;
}

export interface RubricProblem {
  /** JSON path inside the file, e.g. `items[3].grades`. */
  path: string;
  message: string;
}

/** Validates one parsed rubric file; returns every problem found (empty when the file is sound). */
export function checkRubricFile(data: unknown): RubricProblem[] {
  const parsed = rubricFileSchema.safeParse(data);
  if (!parsed.success) {
    return parsed.error.issues.map((issue) => ({
      path: formatPath(issue.path, data),
      message: issue.message,
    }));
  }
  return checkRubricSemantics(parsed.data);
}

function checkRubricSemantics(file: RubricFile): RubricProblem[] {
  const problems: RubricProblem[] = [];
  const seen = new Set<string>();
  file.items.forEach((item, index) => {
    const at = (field?: string) => `items[${index}](${item.id})${field ? `.${field}` : ''}`;
    if (seen.has(item.id)) problems.push({ path: at('id'), message: `duplicate item id ${item.id}` });
    seen.add(item.id);
    if (!(item.category in file.categories)) {
      problems.push({ path: at('category'), message: `category ${item.category} is not declared in categories` });
    }
    problems.push(...checkGrades(item).map((message) => ({ path: at('grades'), message })));
    problems.push(...checkCountRule(item).map((message) => ({ path: at('countRule'), message })));
  });
  const total = file.items.reduce((sum, item) => sum + item.points, 0);
  if (Math.abs(total - 100) > 1e-9) {
    problems.push({ path: 'items', message: `points of type ${file.type} add up to ${total}, not 100` });
  }
  return problems;
}

function checkGrades(item: RubricItem): string[] {
  const problems: string[] = [];
  if (new Set(item.grades).size !== item.grades.length) problems.push('grades repeat');
  if (item.grades[0] !== 'A') problems.push('grades must start with A');
  if (!item.grades.includes('C#')) problems.push('grades must include C#');
  const ordered = [...item.grades].sort((a, b) => GRADES.indexOf(a) - GRADES.indexOf(b));
  if (ordered.join() !== item.grades.join()) problems.push('grades must be listed from A down to C#');
  return problems;
}

function checkCountRule(item: RubricItem): string[] {
  const rule = item.countRule;
  if (!rule) return [];
  const problems: string[] = [];
  let previous = -1;
  for (const grade of item.grades) {
    if (grade === 'C#') continue;
    const max = rule.maxDefects[grade];
    if (max === undefined) {
      problems.push(`maxDefects has no entry for grade ${grade}`);
      continue;
    }
    if (max <= previous) problems.push(`maxDefects must grow from A to C (grade ${grade})`);
    previous = max;
  }
  for (const grade of Object.keys(rule.maxDefects)) {
    if (!item.grades.includes(grade as Grade))
      problems.push(`maxDefects names grade ${grade} that the item does not allow`);
  }
  if (rule.maxDefects.A !== 0) problems.push('maxDefects.A must be 0: any defect loses points');
  return problems;
}

function formatPath(path: readonly PropertyKey[], data: unknown): string {
  let text = '';
  let node: unknown = data;
  for (const key of path) {
    if (typeof key === 'number') {
      const id = (node as { [k: number]: { id?: unknown } } | undefined)?.[key]?.id;
      text += `[${key}]${typeof id === 'string' ? `(${id})` : ''}`;
    } else {
      text += text ? `.${String(key)}` : String(key);
    }
    node = (node as Record<PropertyKey, unknown> | undefined)?.[key];
  }
  return text || '(file)';
}

/** The grade a counted item earns for a number of defects, by the item's count rule. */
export function gradeForDefects(item: Pick<RubricItem, 'grades' | 'countRule'>, defects: number): Grade {
  if (!Number.isInteger(defects) || defects < 0)
    throw new RangeError(`defects must be a whole number ≥ 0, got ${defects}`);
  const rule = item.countRule;
  if (!rule) throw new Error('item is not counted: it has no countRule');
  for (const grade of item.grades) {
    if (grade === 'C#') break;
    const max = rule.maxDefects[grade];
    if (max !== undefined && defects <= max) return grade;
  }
  return 'C#';
}

/** Items of one site type keyed by id, for lookups during validation and scoring. */
export function itemsById(file: { readonly items: readonly RubricItem[] }): Map<string, RubricItem> {
  return new Map(file.items.map((item) => [item.id, item]));
}
