/**
 * The checklist form's schema for react-hook-form: the answers as the form holds them, checked
 * by the domain's own rubric rules (the same ones the server applies), each problem placed on
 * the item's grade or photos field with a message for the inspector.
 */
import * as z from 'zod/mini';
import { ANSWER_GRADES } from '../../../../domain/grades';
import { checkAnswersAgainstRubric, type AnswerIssue } from '../../../../domain/inspection-rules';
import type { RubricItem } from '../../../../domain/rubric';

export const formAnswerSchema = z.object({
  grade: z.optional(z.enum(ANSWER_GRADES)),
  defects: z.optional(z.int().check(z.gte(0))),
  note: z.optional(z.string().check(z.maxLength(2000))),
  photos: z.array(z.string()),
});
export type FormAnswer = z.infer<typeof formAnswerSchema>;

export interface ChecklistValues {
  answers: Record<string, FormAnswer>;
}

/** The form field a problem belongs to. */
export function problemField(issue: Pick<AnswerIssue, 'kind' | 'itemId'>): `answers.${string}.${'grade' | 'photos'}` {
  return `answers.${issue.itemId}.${issue.kind === 'photo_required' ? 'photos' : 'grade'}`;
}

/** The domain's rule check over what the form holds: unanswered items are reported, not guessed. */
export function checklistProblems(items: readonly RubricItem[], answers: Record<string, FormAnswer>): AnswerIssue[] {
  const answered = items.flatMap((item) => {
    const answer = answers[item.id];
    return answer?.grade
      ? [{ itemId: item.id, grade: answer.grade, defects: answer.defects, photos: answer.photos }]
      : [];
  });
  return checkAnswersAgainstRubric({ items }, answered);
}

export function checklistSchema(items: readonly RubricItem[], describe: (issue: AnswerIssue) => string) {
  return z.object({ answers: z.record(z.string(), formAnswerSchema) }).check(
    z.superRefine((value, ctx) => {
      for (const issue of checklistProblems(items, value.answers)) {
        ctx.issues.push({
          code: 'custom',
          input: value,
          path: problemField(issue).split('.'),
          message: describe(issue),
        });
      }
    }),
  );
}
