/**
 * The signed-in person and what was downloaded for them.
 *
 *   session         key 'current': {token, user, signedInAt}. Signing out removes only this row:
 *                   drafts, photos and the outbox stay for when the person signs in again.
 *   rounds, sites, assignments, rubrics, rectifications
 *                   copies of GET /api/bootstrap, so the field flows work offline. Each bootstrap
 *                   replaces them in one transaction (never half old, half new), except rows that
 *                   unsynced local work still points at (a draft's site, round and rubric; an
 *                   unsynced recheck's rectification): those stay until the work is synced.
 */
import type { Rubric, RubricFile, SiteType } from '../../domain/rubric';
import type { Round, Site, User } from '../../domain/wire';
import { readTransaction, toIso, writeTransaction, type CivicDatabase } from './database';
import { entriesInState } from './outbox';
import type {
  Bootstrap,
  BootstrapAssignment,
  Instant,
  Rectification,
  SessionRecord,
  SiteResultOnServer,
} from './types';

/** Stores the token and user after a successful sign-in. */
export async function saveSession(
  db: CivicDatabase,
  { token, user, now = new Date() }: { token: string; user: User; now?: Instant },
): Promise<SessionRecord> {
  const session: SessionRecord = { key: 'current', token, user, signedInAt: toIso(now) };
  await writeTransaction(db, ['session'], () => db.session.put(session));
  return session;
}

/** The signed-in user of this device, if any. */
export function getSession(db: CivicDatabase): Promise<SessionRecord | undefined> {
  return readTransaction(db, ['session'], () => db.session.get('current'));
}

/** Forgets the token (sign-out, or a token the server no longer accepts). Nothing else. */
export async function clearSession(db: CivicDatabase): Promise<void> {
  await writeTransaction(db, ['session'], () => db.session.delete('current'));
}

/**
 * Signs out without losing anything: only the session goes; drafts, photos and the outbox stay
 * and sync after the next sign-in. Returns how much unsynced work stays behind.
 */
export async function signOutKeepingWork(db: CivicDatabase): Promise<{ unsynced: number }> {
  const unsynced = await unsyncedCount(db);
  await clearSession(db);
  return { unsynced };
}

/**
 * How many pieces of work have not reached the server, for the sign-out warning: submissions
 * (inspections or rechecks, photos included) with outbox entries not done, plus drafts that hold
 * something (an answer, a location, a verdict, a note or a photo). Each record counts once.
 */
export async function unsyncedCount(db: CivicDatabase): Promise<number> {
  return readTransaction(db, ['outbox', 'inspections', 'rechecks'], async () => {
    const work = new Set<string>();
    await entriesInState(db, 'pending', 'attention').each((entry) => work.add(entry.groupId));
    await db.inspections
      .where('status')
      .equals('draft')
      .each((inspection) => {
        if (Object.keys(inspection.answers).length > 0) work.add(inspection.id);
      });
    await db.rechecks.each((recheck) => {
      const touched = recheck.verdict !== undefined || Boolean(recheck.note) || recheck.photos.length > 0;
      if (recheck.status === 'draft' && touched) work.add(recheck.id);
    });
    return work.size;
  });
}

/**
 * Replaces every bootstrap store with the server's answer, in one transaction. Rows that
 * unsynced local work refers to are kept even when the server no longer lists them. When the
 * session's user is the bootstrap's user, the session's copy of the user is refreshed too.
 */
export async function saveBootstrap(db: CivicDatabase, bootstrap: Bootstrap): Promise<void> {
  await writeTransaction(
    db,
    ['session', 'rounds', 'sites', 'assignments', 'rubrics', 'rectifications', 'inspections', 'rechecks'],
    async () => {
      const unsynced = await db.inspections.where('status').anyOf('draft', 'submitted').toArray();
      const keepRounds = new Set(unsynced.map((inspection) => inspection.roundId));
      const keepSites = new Set(unsynced.map((inspection) => inspection.siteId));
      const keepRubrics = new Set(unsynced.map((inspection) => inspection.rubricVersion));
      const keepRectifications = new Set(
        (await db.rechecks.where('status').notEqual('synced').toArray()).map((recheck) => recheck.rectificationId),
      );

      const rounds = keptRows(await db.rounds.bulkGet([...keepRounds]), bootstrap.rounds, (r) => r.id);
      const sites = keptRows(await db.sites.bulkGet([...keepSites]), bootstrap.sites, (s) => s.id);
      const rubricList: Rubric[] = Object.entries(bootstrap.rubrics).map(([version, rubric]) => ({
        ...rubric,
        version,
      }));
      const rubrics = keptRows(await db.rubrics.bulkGet([...keepRubrics]), rubricList, (r) => r.version);
      const rectifications = keptRows(
        await db.rectifications.bulkGet([...keepRectifications]),
        bootstrap.rectifications,
        (r) => r.id,
      );

      for (const table of [db.rounds, db.sites, db.assignments, db.rubrics, db.rectifications]) await table.clear();
      await db.rounds.bulkPut(rounds);
      await db.sites.bulkPut(sites);
      await db.assignments.bulkPut(withResults(bootstrap));
      await db.rubrics.bulkPut(rubrics);
      await db.rectifications.bulkPut(rectifications);

      const session = await db.session.get('current');
      if (session && session.user.id === bootstrap.user.id)
        await db.session.update('current', { user: bootstrap.user });
    },
  );
}

/** The assignments, each with its site's current result on the server when there is one. */
function withResults(bootstrap: Bootstrap): BootstrapAssignment[] {
  const results = new Map(
    (bootstrap.results ?? []).map(({ roundId, siteId, ...result }) => [`${roundId}\n${siteId}`, result]),
  );
  return bootstrap.assignments.map((assignment) => {
    const result = results.get(`${assignment.roundId}\n${assignment.siteId}`);
    return result ? { ...assignment, result } : assignment;
  });
}

/** The new rows, then the kept old ones the new list does not have. */
function keptRows<T>(kept: (T | undefined)[], fresh: T[], id: (row: T) => string): T[] {
  const freshIds = new Set(fresh.map(id));
  return [...fresh, ...kept.filter((row): row is T => row !== undefined && !freshIds.has(id(row)))];
}

// ---------------------------------------------------------------------------------------------
// Reading the bootstrap copies.

/** Every round downloaded, newest start first. */
export async function getRounds(db: CivicDatabase): Promise<Round[]> {
  const rounds = await readTransaction(db, ['rounds'], () => db.rounds.toArray());
  return rounds.sort((a, b) => (a.startsOn < b.startsOn ? 1 : a.startsOn > b.startsOn ? -1 : a.id.localeCompare(b.id)));
}

export function getSite(db: CivicDatabase, siteId: string): Promise<Site | undefined> {
  return readTransaction(db, ['sites'], () => db.sites.get(siteId));
}

/** The sites assigned to a user in a round, by district then id. */
export async function assignedSites(db: CivicDatabase, roundId: string, userId: string): Promise<Site[]> {
  return readTransaction(db, ['assignments', 'sites'], async () => {
    const assignments = await db.assignments.where('roundId').equals(roundId).toArray();
    const ids = [...new Set(assignments.filter((a) => a.userId === userId).map((a) => a.siteId))];
    const sites = (await db.sites.bulkGet(ids)).filter((site): site is Site => site !== undefined);
    return sites.sort((a, b) => a.district.localeCompare(b.district, 'zh-CN') || a.id.localeCompare(b.id));
  });
}

/** The server's results of the user's assigned sites in a round, by site id (as of the last bootstrap). */
export async function serverResults(
  db: CivicDatabase,
  roundId: string,
  userId: string,
): Promise<Map<string, SiteResultOnServer>> {
  const assignments = await readTransaction(db, ['assignments'], () =>
    db.assignments.where('roundId').equals(roundId).toArray(),
  );
  return new Map(assignments.flatMap((a) => (a.userId === userId && a.result ? [[a.siteId, a.result] as const] : [])));
}

export function getRubric(db: CivicDatabase, version: string): Promise<Rubric | undefined> {
  return readTransaction(db, ['rubrics'], () => db.rubrics.get(version));
}

/** The items of one site type in one rubric version. */
export async function getRubricFile(
  db: CivicDatabase,
  version: string,
  type: SiteType,
): Promise<RubricFile | undefined> {
  return (await getRubric(db, version))?.types[type];
}

/** Rectifications downloaded, optionally of one round and/or status, by due date. */
export async function getRectifications(
  db: CivicDatabase,
  filter: { roundId?: string; siteId?: string; status?: Rectification['status'] } = {},
): Promise<Rectification[]> {
  const rows = await readTransaction(db, ['rectifications'], () =>
    filter.roundId !== undefined
      ? db.rectifications.where('roundId').equals(filter.roundId).toArray()
      : db.rectifications.toArray(),
  );
  return rows
    .filter(
      (r) => (filter.siteId === undefined || r.siteId === filter.siteId) && (filter.status ?? r.status) === r.status,
    )
    .sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.id.localeCompare(b.id));
}
