// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { User } from '../../domain/wire';
import type { CivicDatabase } from '../db/database';
import { openInspection, submitInspection, updateAnswer } from '../db/inspections';
import { lastSyncAt } from '../db/outbox';
import { getRounds, getSession, saveBootstrap, saveSession } from '../db/session';
import { at, bootstrapFixture, INSPECTOR, STATION, testDatabase } from '../db/test-support';
import { createServices, type AppServices } from '../services';
import { latestReviewDecision, reviewCursor } from '../db/review-decisions';
import { endExpiredSession, pullReviewDecisions, refreshBootstrap, signIn, wasSessionExpired } from './session-service';

const SUPERVISOR: User = { id: 'u-sup', username: 'sup', displayName: '王主任', role: 'supervisor' };
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

let db: CivicDatabase;
/** Every request the app made, as "METHOD /path". */
let requests: string[];

/** The app's services as main.tsx wires them, over a server that answers `respond`. */
function appServices(token: string | undefined, respond: (call: string, body: unknown) => Response) {
  const endings: Promise<void>[] = [];
  const services: AppServices = createServices(db, token, {
    onUnauthorized: () => void endings.push(endExpiredSession(services)),
  });
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    const call = `${init.method ?? 'GET'} ${url}`;
    requests.push(call);
    return respond(call, typeof init.body === 'string' ? JSON.parse(init.body) : undefined);
  });
  return { services, endings };
}

/** A server where each user signs in with password "pw" and gets the fixture's bootstrap. */
function server(users: User[]) {
  return (call: string, body: unknown) => {
    if (call === 'POST /api/session') {
      const { username, password } = body as { username: string; password: string };
      const user = users.find((candidate) => candidate.username === username);
      if (!user || password !== 'pw') return json(401, { error: 'invalid_credentials', message: '用户名或密码错误。' });
      return json(200, { token: `token-of-${username}-0123456789`, user });
    }
    if (call === 'GET /api/bootstrap') return json(200, bootstrapFixture());
    return json(404, { error: 'not_found' });
  };
}

beforeEach(async () => {
  db = (await testDatabase()).db;
  requests = [];
});

afterEach(() => vi.unstubAllGlobals());

describe('a token the server refuses', () => {
  it('ends the session from any call, once, keeping drafts, photos and the outbox', async () => {
    await saveSession(db, { token: 'tok-1', user: INSPECTOR, now: at(0) });
    await saveBootstrap(db, bootstrapFixture());
    const open = (siteId: string) =>
      openInspection(db, { roundId: 'R1', siteId, inspectorId: INSPECTOR.id, rubricVersion: '2021', now: at(0) });
    const submitted = await open('S1');
    for (const item of STATION.items) await updateAnswer(db, submitted.id, item.id, { grade: 'A' });
    await submitInspection(db, submitted.id, at(5));
    const draft = await open('S2');
    await updateAnswer(db, draft.id, 'T01', { grade: 'C#' });
    const before = { inspections: await db.inspections.count(), outbox: await db.outbox.count() };
    expect(before.outbox).toBeGreaterThan(0);

    const { services, endings } = appServices('tok-1', () => json(401, { error: 'unauthorized' }));
    // Two office calls in flight when the token is refused: one ending.
    const calls = [services.api.request('GET', '/api/rounds'), services.api.getPhoto('a'.repeat(64))];
    expect(await Promise.allSettled(calls)).toMatchObject([{ status: 'rejected' }, { status: 'rejected' }]);
    expect(endings).toHaveLength(1);
    await Promise.all(endings);

    expect(await getSession(db)).toBeUndefined();
    expect(wasSessionExpired()).toBe(true);
    expect({ inspections: await db.inspections.count(), outbox: await db.outbox.count() }).toEqual(before);
    expect((await db.inspections.get(draft.id))?.answers.T01?.grade).toBe('C#');
    expect(await getRounds(db)).toHaveLength(1); // the offline copy stays for the drafts
  });

  it('is not what a wrong password at sign-in is: that shows its own error and ends nothing', async () => {
    const { services, endings } = appServices(undefined, server([SUPERVISOR]));
    await expect(signIn(services, 'sup', 'wrong')).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(endings).toHaveLength(0);
  });
});

describe('signing in', () => {
  it('downloads no bootstrap for a supervisor (the office reads the server), and clears the expired notice', async () => {
    const { services } = appServices(undefined, server([SUPERVISOR]));
    await signIn(services, 'sup', 'pw');
    expect(requests).toEqual(['POST /api/session']);
    expect((await getSession(db))?.user).toEqual(SUPERVISOR);
    expect(await getRounds(db)).toEqual([]);
    expect(wasSessionExpired()).toBe(false);
    await refreshBootstrap(services); // after a sync delivered something
    expect(requests).toEqual(['POST /api/session']);
  });

  it("downloads an inspector's work before storing the session, and refreshes it", async () => {
    const { services } = appServices(undefined, server([INSPECTOR]));
    await signIn(services, 'insp', 'pw');
    // The review decisions come with the work (this server has none: a 404, the work stays).
    expect(requests).toEqual(['POST /api/session', 'GET /api/bootstrap', 'GET /api/review-decisions?since=0']);
    expect((await getRounds(db)).map((round) => round.id)).toEqual(['R1']);
    await refreshBootstrap(services);
    expect(requests).toHaveLength(5);
  });

  it('counts the download of the work as a sync: the sync page does not say "not synced yet"', async () => {
    const { services } = appServices(undefined, server([INSPECTOR]));
    let clock = at(10);
    services.now = () => clock;
    await signIn(services, 'insp', 'pw');
    expect(await lastSyncAt(db)).toBe(at(10).toISOString());
    clock = at(20);
    await refreshBootstrap(services);
    expect(await lastSyncAt(db)).toBe(at(20).toISOString());
  });

  it('records no sync when the download fails', async () => {
    const { services } = appServices(undefined, (call, body) =>
      call === 'GET /api/bootstrap' ? json(500, { error: 'internal_error' }) : server([INSPECTOR])(call, body),
    );
    await expect(signIn(services, 'insp', 'pw')).rejects.toBeTruthy();
    expect(await lastSyncAt(db)).toBeUndefined();
  });
});

describe('review decisions (审核)', () => {
  const returned = (seq: number) => ({
    seq,
    inspectionId: `i-${seq}`,
    revision: 1,
    roundId: 'R1',
    siteId: 'S1',
    decision: 'returned',
    comment: '照片看不清',
    itemComments: [],
    reviewerName: '王主任',
    reviewedAt: '2021-07-20T02:00:00.000Z',
  });

  it('pulls what was decided since the last pull, page after page, and then asks from its cursor', async () => {
    const { services } = appServices(undefined, (call, body) => {
      if (call === 'GET /api/review-decisions?since=0')
        return json(200, { decisions: [returned(3)], cursor: 3, more: true });
      if (call === 'GET /api/review-decisions?since=3')
        return json(200, { decisions: [returned(7)], cursor: 7, more: false });
      if (call === 'GET /api/review-decisions?since=7') return json(200, { decisions: [], cursor: 7, more: false });
      return server([INSPECTOR])(call, body);
    });
    await signIn(services, 'insp', 'pw');
    expect(await latestReviewDecision(db, INSPECTOR.id, 'i-3')).toMatchObject({ comment: '照片看不清' });
    expect(await latestReviewDecision(db, INSPECTOR.id, 'i-7')).toBeDefined();
    await pullReviewDecisions(services);
    expect(requests.filter((call) => call.includes('review-decisions'))).toEqual([
      'GET /api/review-decisions?since=0',
      'GET /api/review-decisions?since=3',
      'GET /api/review-decisions?since=7',
    ]);
  });

  it('a failed pull keeps the work downloaded and the cursor where it was', async () => {
    const { services } = appServices(undefined, (call, body) =>
      call.startsWith('GET /api/review-decisions')
        ? json(503, { error: 'unavailable' })
        : server([INSPECTOR])(call, body),
    );
    await signIn(services, 'insp', 'pw');
    expect(await getRounds(db)).toHaveLength(1);
    expect(await reviewCursor(db, INSPECTOR.id)).toBe(0);
  });
});
