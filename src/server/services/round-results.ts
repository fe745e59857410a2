/**
 * A round's results for the office's exports: each in-scope site's result (its latest
 * submitted inspection, chosen by the domain's `latestResults`) with its grades, counted
 * defects and notes per item — what the per-item score sheet needs — in one query. Answers are
 * keyed by item id (`grades: {T01: "A", …}`), a third of the bytes of the stored answer list;
 * photos are left out (the inspection detail has them).
 */
import type { Kysely } from 'kysely';
import type { RoundResult } from '../../domain/report';
import type { AnswerGrade } from '../../domain/grades';
import { storedFlags } from '../../domain/presence';
import type { Answer } from '../../domain/wire';
import type { Database } from '../storage/schema';
import { assignedInRound } from './round-scope';

export async function roundResults(db: Kysely<Database>, roundId: string): Promise<RoundResult[]> {
  const rows = await db
    .selectFrom('site_results')
    .innerJoin('inspections', (join) =>
      join
        .onRef('inspections.id', '=', 'site_results.inspection_id')
        .onRef('inspections.revision', '=', 'site_results.revision'),
    )
    .where('site_results.round_id', '=', roundId)
    .where(assignedInRound(roundId, 'site_results.site_id'))
    .select([
      'inspections.id',
      'inspections.revision',
      'inspections.site_id',
      'inspections.inspector_id',
      'inspections.submitted_at',
      'inspections.received_at',
      'inspections.score',
      'inspections.full_marks',
      'inspections.body_json',
      'inspections.flags_json',
      'inspections.time_on_site_s',
    ])
    .execute();
  const collator = new Intl.Collator();
  return rows
    .sort((a, b) => collator.compare(a.site_id, b.site_id))
    .map((row) => {
      const body = JSON.parse(row.body_json) as { answers: Answer[] };
      const grades: Record<string, AnswerGrade> = {};
      const defects: Record<string, number> = {};
      const notes: Record<string, string> = {};
      for (const answer of body.answers) {
        grades[answer.itemId] = answer.grade;
        if (answer.defects !== undefined) defects[answer.itemId] = answer.defects;
        if (answer.note) notes[answer.itemId] = answer.note;
      }
      return {
        inspectionId: row.id,
        revision: row.revision,
        siteId: row.site_id,
        inspectorId: row.inspector_id,
        submittedAt: row.submitted_at,
        receivedAt: row.received_at,
        score: row.score,
        fullMarks: row.full_marks === 1,
        grades,
        flags: storedFlags(row.flags_json),
        timeOnSiteS: row.time_on_site_s,
        ...(Object.keys(defects).length > 0 && { defects }),
        ...(Object.keys(notes).length > 0 && { notes }),
      };
    });
}
