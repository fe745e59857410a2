/**
 * Reading local inspections (the `inspections` store) for lists and pages. Kept apart from
 * the write side (inspections.ts), which validates with zod: the "my sites" screen loads
 * without the schema library.
 */
import { readTransaction, type CivicDatabase } from './database';
import type { LocalInspection, LocalStatus } from './types';

export function getInspection(db: CivicDatabase, id: string): Promise<LocalInspection | undefined> {
  return readTransaction(db, ['inspections'], () => db.inspections.get(id));
}

/**
 * The inspection an inspector works on at a site in a round: their latest local one. Call inside
 * a transaction over `inspections` (`openInspection` makes one when there is none).
 */
export async function currentInspection(
  db: CivicDatabase,
  { roundId, siteId, inspectorId }: { roundId: string; siteId: string; inspectorId: string },
): Promise<LocalInspection | undefined> {
  const mine = await db.inspections
    .where('[roundId+siteId]')
    .equals([roundId, siteId])
    .filter((inspection) => inspection.inspectorId === inspectorId)
    .toArray();
  return mine.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
}

/** The local inspections of a round (optionally only one inspector's). */
export async function inspectionsForRound(
  db: CivicDatabase,
  roundId: string,
  inspectorId?: string,
): Promise<LocalInspection[]> {
  const rows = await readTransaction(db, ['inspections'], () =>
    db.inspections.where('[roundId+siteId]').between([roundId, ''], [roundId, '\uffff'], true, true).toArray(),
  );
  return inspectorId === undefined ? rows : rows.filter((row) => row.inspectorId === inspectorId);
}

/** 'inspected': the server has a result for the site, and this device has no inspection of it. */
export type SiteState = 'not_started' | 'inspected' | LocalStatus;

/** This device's latest inspection of a site, once the server has it: what the list says of it. */
export interface SyncedWork {
  inspectionId: string;
  submittedAt: string | undefined;
  /** The server's score of the revision, when its answer to the PUT was kept (serverScore). */
  score: number | undefined;
}

/**
 * The state of every site of a round for the "my sites" list: the assigned sites (of
 * `inspectorId` when given) start as 'not_started', or 'inspected' when the last bootstrap
 * brought a result for them (another phone's or a colleague's work), then each local
 * inspection sets its status.
 */
export async function siteStates(
  db: CivicDatabase,
  roundId: string,
  inspectorId?: string,
): Promise<Map<string, SiteState>> {
  return (await siteWork(db, roundId, inspectorId)).states;
}

/**
 * `siteStates`, and for each site whose state is 'synced' the inspection and the score the
 * server gave it, from the same read.
 */
export async function siteWork(
  db: CivicDatabase,
  roundId: string,
  inspectorId?: string,
): Promise<{ states: Map<string, SiteState>; synced: Map<string, SyncedWork> }> {
  return readTransaction(db, ['assignments', 'inspections'], async () => {
    const states = new Map<string, SiteState>();
    const synced = new Map<string, SyncedWork>();
    const assignments = await db.assignments.where('roundId').equals(roundId).toArray();
    for (const assignment of assignments) {
      if (inspectorId === undefined || assignment.userId === inspectorId)
        states.set(assignment.siteId, assignment.result ? 'inspected' : 'not_started');
    }
    const inspections = (
      await db.inspections.where('[roundId+siteId]').between([roundId, ''], [roundId, '\uffff'], true, true).toArray()
    ).filter((inspection) => inspectorId === undefined || inspection.inspectorId === inspectorId);
    inspections.sort((a, b) => a.updatedAt.localeCompare(b.updatedAt)); // the latest wins
    for (const inspection of inspections) {
      states.set(inspection.siteId, inspection.status);
      if (inspection.status !== 'synced') synced.delete(inspection.siteId);
      else
        synced.set(inspection.siteId, {
          inspectionId: inspection.id,
          submittedAt: inspection.submittedAt,
          score: inspection.serverScore?.score,
        });
    }
    return { states, synced };
  });
}
