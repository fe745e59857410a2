/**
 * Helpers for domain tests: the real 2021 rubric and answer builders. Not shipped in the app
 * (only test files import it).
 */
import center from '../../rubric/2021/center.json';
import institute from '../../rubric/2021/institute.json';
import station from '../../rubric/2021/station.json';
import type { AnswerGrade } from './grades';
import { rubricFileSchema, type RubricFile, type SiteType } from './rubric';

export const RUBRIC_2021: Record<SiteType, RubricFile> = {
  center: rubricFileSchema.parse(center),
  institute: rubricFileSchema.parse(institute),
  station: rubricFileSchema.parse(station),
};

/** Every item of the type graded A, then the given items overridden. */
export function answersFor(type: SiteType, overrides: Record<string, AnswerGrade> = {}) {
  return RUBRIC_2021[type].items.map((item) => ({
    itemId: item.id,
    grade: overrides[item.id] ?? 'A',
    photos: [] as string[],
  }));
}

export function rubricItem(type: SiteType, id: string) {
  const item = RUBRIC_2021[type].items.find((candidate) => candidate.id === id);
  if (!item) throw new Error(`no item ${id} in ${type}`);
  return item;
}
