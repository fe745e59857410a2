/** Rows as the API shows them (camelCase fields of API.md). */
import type { InspectionSummary } from '../../domain/wire';
import type { Row } from '../storage/schema';

export function siteView(row: Row<'sites'>) {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    district: row.district,
    parentId: row.parent_id,
    address: row.address,
    lat: row.lat,
    lng: row.lng,
    positionSource: row.lat !== null && row.lng !== null ? row.position_source : null,
  };
}

export function roundView(row: Row<'rounds'>) {
  return {
    id: row.id,
    name: row.name,
    rubricVersion: row.rubric_version,
    rectifyBelow: row.rectify_below,
    rectifyDays: row.rectify_days,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    presenceRadiusM: row.presence_radius_m,
    createdAt: row.created_at,
  };
}

export function inspectionSummaryView(
  row: Pick<
    Row<'inspections'>,
    | 'id'
    | 'revision'
    | 'round_id'
    | 'site_id'
    | 'inspector_id'
    | 'submitted_at'
    | 'received_at'
    | 'score'
    | 'full_marks'
  >,
) {
  return {
    id: row.id,
    revision: row.revision,
    roundId: row.round_id,
    siteId: row.site_id,
    inspectorId: row.inspector_id,
    submittedAt: row.submitted_at,
    receivedAt: row.received_at,
    score: row.score,
    fullMarks: row.full_marks === 1,
  } satisfies InspectionSummary;
}

export interface LastVerdict {
  id: string;
  verdict: Row<'rechecks'>['verdict'];
  note: string | null;
  photos: string[];
  checkedAt: string;
  checkedBy: string;
}

/**
 * A rectification as listed. `note` is the inspector's note on the item in the inspection the
 * rectification follows (absent when there was none): part of the original finding a rechecker
 * sees beside the before-photos. An addition to API.md's fields, so older clients ignore it.
 */
export function rectificationView(row: Row<'rectifications'>, lastVerdict?: LastVerdict, findingNote?: string) {
  return {
    id: row.id,
    roundId: row.round_id,
    siteId: row.site_id,
    itemId: row.item_id,
    grade: row.grade,
    dueOn: row.due_on,
    status: row.status,
    beforePhotos: JSON.parse(row.before_photos_json) as string[],
    closedAt: row.closed_at,
    ...(findingNote !== undefined && { note: findingNote }),
    ...(lastVerdict && { lastVerdict }),
  };
}
