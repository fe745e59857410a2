/**
 * From a local inspection (as stored in the `inspections` store) to the wire body of
 * `PUT /api/inspections/{id}`, validated with the domain's `inspectionSchema` and
 * `checkAnswersAgainstRubric` — the same checks the server runs — with every problem as a code
 * and the data its wording needs (the item's label, the grades allowed, …); the screens word
 * it in the chosen language (`features/field/inspect/submit-problems.ts`, `features/field/recheck/recheck-problems.ts`).
 * Pure: no IndexedDB here, so the checklist can also show the problems live before submit.
 */
import { checkAnswersAgainstRubric, type AnswerIssue, type AnswerProblemKind } from '../../domain/inspection-rules';
import type { RubricFile, RubricItem } from '../../domain/rubric';
import { inspectionSchema, type Answer, type Inspection, type PositionFixInput } from '../../domain/wire';
import type { LocalInspection } from './types';

export type ProblemCode =
  | 'unanswered'
  | 'photo_required'
  | 'grade_not_allowed'
  | 'na_not_allowed'
  | 'defects_mismatch'
  | 'not_counted'
  | 'unknown_item'
  | 'note_too_long'
  | 'too_many_photos'
  | 'invalid_location'
  | 'no_rubric'
  | 'invalid';

/** What the wording of a problem needs, besides its code. */
export interface SubmitProblemData {
  /** The rubric item as people know it: `T18 室内卫生（无积尘）`, or its id when unknown. */
  item?: string;
  /** `grade_not_allowed`: the grades the item takes, `A / B / C`. */
  grades?: string;
  /** `defects_mismatch`: the count given. */
  defects?: number;
  /** `invalid`: the field of the body that is wrong (`location.lat`). */
  path?: string;
  /** `invalid`: an item answered twice, or answers of the wrong number. */
  detail?: 'duplicate' | 'answers';
  /** `no_rubric`: the version missing on the device. */
  rubricVersion?: string;
}

/** Something that keeps an inspection (or recheck) from being submitted: a code, worded by the screens. */
export interface SubmitProblem {
  itemId?: string;
  code: ProblemCode;
  data?: SubmitProblemData;
}

export type FreezeResult = { ok: true; payload: Inspection } | { ok: false; problems: SubmitProblem[] };

type WireAnswer = Omit<Answer, 'photos'> & { photos: string[] };

/** Builds and validates the wire body of one revision; `submittedAt` is an ISO instant. */
export function freezeInspection(
  file: RubricFile,
  inspection: LocalInspection,
  submittedAt: string,
  submitFix?: PositionFixInput,
): FreezeResult {
  const answers = wireAnswers(file, inspection);
  const { location, fixes, sitePosition } = inspection;
  const allFixes = [...(fixes ?? []), ...(submitFix ? [submitFix] : [])];
  const wire = {
    id: inspection.id,
    revision: inspection.revision,
    roundId: inspection.roundId,
    siteId: inspection.siteId,
    rubricVersion: inspection.rubricVersion,
    startedAt: inspection.startedAt,
    submittedAt,
    ...(location && {
      location: {
        lat: location.lat,
        lng: location.lng,
        ...(location.accuracy !== undefined && { accuracy: location.accuracy }),
      },
    }),
    ...(allFixes.length > 0 && { fixes: allFixes }),
    ...(sitePosition && { sitePosition }),
    answers,
  };
  const problems = sortProblems(file, [
    ...fromRubricIssues(file, answers, checkAnswersAgainstRubric(file, answers)),
    ...fromSchemaIssues(file, answers, inspectionSchema.safeParse(wire)),
  ]);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, payload: inspectionSchema.parse(wire) };
}

/** What would keep this inspection from being submitted now (empty when it can be). */
export function inspectionProblems(file: RubricFile, inspection: LocalInspection): SubmitProblem[] {
  const result = freezeInspection(file, inspection, inspection.startedAt);
  return result.ok ? [] : result.problems;
}

/** Graded answers in rubric order (then any unknown items, so validation names them). */
function wireAnswers(file: RubricFile, inspection: LocalInspection): WireAnswer[] {
  const known = file.items.map((item) => item.id);
  const unknown = Object.keys(inspection.answers).filter((itemId) => !known.includes(itemId));
  const answers: WireAnswer[] = [];
  for (const itemId of [...known, ...unknown]) {
    const answer = inspection.answers[itemId];
    if (answer?.grade === undefined) continue;
    answers.push({
      itemId,
      grade: answer.grade,
      ...(answer.defects !== undefined && { defects: answer.defects }),
      ...(answer.note !== undefined && answer.note !== '' && { note: answer.note }),
      photos: [...answer.photos],
    });
  }
  return answers;
}

function label(item: RubricItem | undefined, itemId: string): string {
  return item ? `${item.id} ${item.title}` : itemId;
}

function problem(
  item: RubricItem | undefined,
  itemId: string,
  code: ProblemCode,
  data: Omit<SubmitProblemData, 'item'> = {},
): SubmitProblem {
  return { itemId, code, data: { item: label(item, itemId), ...data } };
}

/** The domain names each problem's kind and item: its code here, and what its wording needs. */
const REASONS: Record<
  AnswerProblemKind,
  (item: RubricItem | undefined, answer: WireAnswer | undefined) => [ProblemCode, Omit<SubmitProblemData, 'item'>?]
> = {
  unanswered: () => ['unanswered'],
  photo_required: () => ['photo_required'],
  not_counted: () => ['not_counted'],
  na_not_allowed: () => ['na_not_allowed'],
  grade_not_allowed: (item) => ['grade_not_allowed', { grades: item?.grades.join(' / ') ?? '' }],
  count_mismatch: (_item, answer) => ['defects_mismatch', { defects: answer?.defects ?? 0 }],
  duplicate_answer: () => ['invalid', { detail: 'duplicate' }],
  unknown_item: () => ['unknown_item'],
};

function fromRubricIssues(file: RubricFile, answers: WireAnswer[], issues: AnswerIssue[]): SubmitProblem[] {
  const items = new Map(file.items.map((item) => [item.id, item]));
  return issues.map((issue) => {
    const item = items.get(issue.itemId);
    const [code, data] = REASONS[issue.kind](
      item,
      answers.find((answer) => answer.itemId === issue.itemId),
    );
    return problem(item, issue.itemId, code, data);
  });
}

function fromSchemaIssues(
  file: RubricFile,
  answers: WireAnswer[],
  result: ReturnType<typeof inspectionSchema.safeParse>,
): SubmitProblem[] {
  if (result.success) return [];
  const items = new Map(file.items.map((item) => [item.id, item]));
  const problems: SubmitProblem[] = [];
  for (const issue of result.error.issues) {
    const [head, index, field] = issue.path;
    if (head === 'answers' && typeof index === 'number') {
      const itemId = answers[index]?.itemId ?? '';
      const item = items.get(itemId);
      if (field === 'note') problems.push(problem(item, itemId, 'note_too_long'));
      else if (field === 'photos' && issue.path.length === 3) problems.push(problem(item, itemId, 'too_many_photos'));
      else problems.push(problem(item, itemId, 'invalid'));
    } else if (head === 'answers') {
      // "at least one answer": every item is already reported as unanswered.
      if (answers.length > 0) problems.push({ code: 'invalid', data: { detail: 'answers' } });
    } else if (head === 'location' || head === 'fixes' || head === 'sitePosition') {
      problems.push({ code: 'invalid_location' });
    } else {
      problems.push({ code: 'invalid', data: { path: issue.path.map(String).join('.') } });
    }
  }
  return problems;
}

/** Rubric order first, then problems without an item; one problem per item and kind. */
function sortProblems(file: RubricFile, problems: SubmitProblem[]): SubmitProblem[] {
  const order = new Map(file.items.map((item, index) => [item.id, index]));
  const rank = (p: SubmitProblem) =>
    p.itemId === undefined ? Number.MAX_SAFE_INTEGER : (order.get(p.itemId) ?? file.items.length);
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const key = `${p.itemId ?? ''}|${p.code}|${JSON.stringify(p.data ?? {})}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => rank(a) - rank(b));
}
