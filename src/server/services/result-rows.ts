/**
 * Stored inspections as the domain reads them: `latestResults` picks a site's current result by
 * these few columns (the row rides along for whatever else the caller needs), and the report
 * takes the whole `InspectionResult`. One mapping for every service that chooses or counts.
 */
import type { InspectionResult, ResultKey } from '../../domain/report';
import type { Deduction } from '../../domain/scoring';
import type { Row } from '../storage/schema';

type KeyColumns = Pick<Row<'inspections'>, 'id' | 'revision' | 'site_id' | 'submitted_at' | 'received_at'>;

/** The row as `latestResults` compares it, with the row itself alongside. */
export function resultKeyOf<R extends KeyColumns>(row: R): ResultKey & { row: R } {
  return {
    inspectionId: row.id,
    revision: row.revision,
    siteId: row.site_id,
    submittedAt: row.submitted_at,
    receivedAt: row.received_at,
    row,
  };
}

/** The row as the domain's `InspectionResult`: score, full marks and the deducted items. */
export function inspectionResultOf(
  row: KeyColumns & Pick<Row<'inspections'>, 'score' | 'full_marks' | 'deductions_json'>,
): InspectionResult {
  const { row: _row, ...key } = resultKeyOf(row);
  return {
    ...key,
    score: row.score,
    fullMarks: row.full_marks === 1,
    deductions: JSON.parse(row.deductions_json) as Pick<Deduction, 'itemId' | 'grade'>[],
  };
}
