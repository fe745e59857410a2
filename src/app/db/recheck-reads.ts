/**
 * Reads for the rechecker's screens, each one consistent snapshot (one read transaction) of the
 * bootstrap copies (rectifications, sites, rounds, rubrics) and the local rechecks. Stores
 * nothing; see session.ts for where the copies come from and rechecks.ts for the verdicts.
 */
import type { RubricItem } from '../../domain/rubric';
import type { Round, Site } from '../../domain/wire';
import { readTransaction, type CivicDatabase } from './database';
import { pickCurrentRecheck } from './rechecks';
import type { LocalRecheck, Rectification } from './types';

export interface RecheckTask {
  rectification: Rectification;
  site: Site | undefined;
  round: Round | undefined;
  /** The rubric item of the finding (its title), when the rubric is on the device. */
  item: RubricItem | undefined;
  /** The recheck shown for it on this device: its draft, else the latest one; none yet. */
  recheck: LocalRecheck | undefined;
}

/** Every downloaded rectification with what the list shows beside it, by due date then id. */
export async function recheckTasks(db: CivicDatabase): Promise<RecheckTask[]> {
  return readTransaction(db, ['rectifications', 'sites', 'rounds', 'rubrics', 'rechecks'], async () => {
    const [rectifications, sites, rounds, rubrics, rechecks] = await Promise.all([
      db.rectifications.toArray(),
      db.sites.toArray(),
      db.rounds.toArray(),
      db.rubrics.toArray(),
      db.rechecks.toArray(),
    ]);
    const siteById = new Map(sites.map((site) => [site.id, site]));
    const roundById = new Map(rounds.map((round) => [round.id, round]));
    const rubricByVersion = new Map(rubrics.map((rubric) => [rubric.version, rubric]));
    const byRectification = new Map<string, LocalRecheck[]>();
    for (const recheck of rechecks) {
      byRectification.set(recheck.rectificationId, [...(byRectification.get(recheck.rectificationId) ?? []), recheck]);
    }
    return rectifications
      .sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.id.localeCompare(b.id))
      .map((rectification) => {
        const site = siteById.get(rectification.siteId);
        const round = roundById.get(rectification.roundId);
        const file = site && round ? rubricByVersion.get(round.rubricVersion)?.types[site.type] : undefined;
        return {
          rectification,
          site,
          round,
          item: file?.items.find((item) => item.id === rectification.itemId),
          recheck: pickCurrentRecheck(byRectification.get(rectification.id) ?? []),
        };
      });
  });
}

/** One rectification with its site, round and rubric item (no recheck: see `recheckFor`). */
export async function recheckTask(
  db: CivicDatabase,
  rectificationId: string,
): Promise<Omit<RecheckTask, 'recheck'> | undefined> {
  return readTransaction(db, ['rectifications', 'sites', 'rounds', 'rubrics'], async () => {
    const rectification = await db.rectifications.get(rectificationId);
    if (!rectification) return undefined;
    const [site, round] = await Promise.all([db.sites.get(rectification.siteId), db.rounds.get(rectification.roundId)]);
    const rubric = round ? await db.rubrics.get(round.rubricVersion) : undefined;
    const file = site ? rubric?.types[site.type] : undefined;
    return { rectification, site, round, item: file?.items.find((item) => item.id === rectification.itemId) };
  });
}
