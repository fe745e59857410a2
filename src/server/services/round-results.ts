/**
 * A round's results for the office's exports: each in-scope site's result (its latest
 * submitted inspection, chosen by the domain's `latestResults`) with its grades, counted
 * defects and notes per item — what the per-item score sheet needs — in one query. Answers are
 * keyed by item id (`grades: {T01: "A", …}`), a third of the bytes of the stored answer list;
 * photos are left out (the inspection detail has them).
 */
import type { Kysely } from 'kysely';
import { latestResults, type RoundResult } from '../../domain/report';
import type { AnswerGrade } from '../../domain/grades';
import type { Answer } from '../../domain/wire';
import type { Database } from '../storage/schema';
import { scopeSites } from './reports';
import { resultKeyOf } from './result-rows';

export async function roundResults(db: Kysely<Database>, roundId: string): Promise<RoundResult[]> {
  const [sites, rows] = await Promise.all([
    scopeSites(db, roundId),
    db
      .selectFrom('inspections')
      .select([
        'id',
        'revision',
        'site_id',
        'inspector_id',
        'submitted_at',
        'received_at',
        'score',
        'full_marks',
        'body_json',
      ])
      .where('round_id', '=', roundId)
      .execute(),
  ]);
  const inScope = new Set(sites.map((site) => site.id));
  const latest = latestResults(rows.filter((row) => inScope.has(row.site_id)).map(resultKeyOf));
  return [...latest.values()]
    .sort((a, b) => a.siteId.localeCompare(b.siteId))
    .map(({ row }) => {
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
        ...(Object.keys(defects).length > 0 && { defects }),
        ...(Object.keys(notes).length > 0 && { notes }),
      };
    });
}
