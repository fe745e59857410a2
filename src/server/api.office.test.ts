/**
 * The office workspace's endpoints beyond the contract, on the real server: editing a round
 * (`PATCH /api/rounds/{id}`), a round's results with grades per item (exports), the `since`
 * feed the live results list polls, example photos of the report's common problems, and photo
 * metadata (capture time, GPS) kept with an inspection. Field users get 403 on all of them.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RoundResult } from '../domain/report';
import { describeEachEngine } from './storage/test-engines';
import {
  countRows,
  expectStatus,
  jpeg,
  sha256,
  site,
  useApiServer,
  type ErrorBody,
  type RoundView,
  type Team,
} from './test-support/api-harness';

interface Summary {
  id: string;
  revision: number;
  siteId: string;
  receivedAt: string;
  score: number;
}

describeEachEngine(
  'office workspace endpoints',
  (engine) => {
    const h = useApiServer(engine);
    let team: Team;

    beforeAll(async () => {
      team = await h.fx.team();
      await h.fx.upsertSites(team.supervisor.token, [
        site('station', 'o-s1', '新华区'),
        site('station', 'o-s2', '新华区'),
        site('station', 'o-s3', '卫东区'),
        site('institute', 'o-i1', '卫东区'),
        site('station', 'o-out', '卫东区'),
      ]);
    });

    const newRound = async (id: string, siteIds = ['o-s1', 'o-s2', 'o-s3', 'o-i1']) => {
      const round = await h.fx.createRound(team.supervisor.token, { id, rectifyBelow: 90 });
      await h.fx.assign(
        team.supervisor.token,
        id,
        siteIds.map((siteId) => ({ siteId, userId: team.inspector.id })),
      );
      return round;
    };

    describe('POST /api/rounds without an id', () => {
      it('names the round after its start month, numbered when that id is taken, with 15 days by default', async () => {
        const create = async () => {
          const response = await h.api.post<RoundView>(
            '/api/rounds',
            {
              name: '三月模拟测评',
              rubricVersion: '2021',
              rectifyBelow: 90,
              startsOn: '2030-03-01',
              endsOn: '2030-03-20',
            },
            team.supervisor.token,
          );
          return expectStatus(response, 201, 'create round').body;
        };
        const first = await create();
        expect(first).toMatchObject({ id: 'R2030-03', name: '三月模拟测评', rectifyDays: 15, startsOn: '2030-03-01' });
        expect((await create()).id).toBe('R2030-03-2');
        expect((await create()).id).toBe('R2030-03-3');
        // An id the office gives is taken as it is, and a taken one is still a 409.
        const taken = await h.api.post<ErrorBody>(
          '/api/rounds',
          {
            id: 'R2030-03',
            name: '重复',
            rubricVersion: '2021',
            rectifyBelow: 90,
            startsOn: '2030-03-01',
            endsOn: '2030-03-20',
          },
          team.supervisor.token,
        );
        expect(taken.status).toBe(409);
        expect(taken.body.error).toBe('conflict');
      });
    });

    describe('PATCH /api/rounds/{id}', () => {
      it('changes name, dates and scoring settings of a round with no results yet', async () => {
        await newRound('P-1');
        const response = await h.api.patch<RoundView>(
          '/api/rounds/P-1',
          { name: '2021年8月复测', startsOn: '2021-08-01', endsOn: '2021-08-20', rectifyBelow: 85, rectifyDays: 10 },
          team.supervisor.token,
        );
        expectStatus(response, 200, 'patch');
        expect(response.body).toMatchObject({
          id: 'P-1',
          name: '2021年8月复测',
          startsOn: '2021-08-01',
          endsOn: '2021-08-20',
          rectifyBelow: 85,
          rectifyDays: 10,
          rubricVersion: '2021',
        });
        const stored = await h.api.get<RoundView>('/api/rounds/P-1', team.admin.token);
        expect(stored.body).toMatchObject({ name: '2021年8月复测', rectifyBelow: 85, rectifyDays: 10 });
      });

      it('checks the merged round with the domain schema: 400 with issues, nothing changed', async () => {
        await newRound('P-2');
        const before = await h.api.get<RoundView>('/api/rounds/P-2', team.supervisor.token);
        const cases: [unknown, string][] = [
          [{ endsOn: '2021-06-01' }, 'endsOn'],
          [{ rectifyDays: 0 }, 'rectifyDays'],
          [{ rectifyBelow: 101 }, 'rectifyBelow'],
          [{ name: '   ' }, 'name'],
          [{ startsOn: '2021-02-30' }, 'startsOn'],
          [{ rubricVersion: '1999' }, 'rubricVersion'],
        ];
        for (const [body, path] of cases) {
          const response = await h.api.patch<ErrorBody>('/api/rounds/P-2', body, team.supervisor.token);
          expect(response.status, JSON.stringify(body)).toBe(400);
          expect(response.body.issues?.map((issue) => issue.path)).toContain(path);
        }
        expect((await h.api.get<RoundView>('/api/rounds/P-2', team.supervisor.token)).body).toEqual(before.body);
      });

      it('keeps threshold, days and rubric once results are in (409), while the name stays editable', async () => {
        await newRound('P-3');
        expectStatus(
          (await h.fx.submitInspection(team.inspector.token, { roundId: 'P-3', siteId: 'o-s1', type: 'station' }))
            .response,
          201,
          'inspection',
        );
        for (const body of [{ rectifyBelow: 80 }, { rectifyDays: 30 }]) {
          const response = await h.api.patch<ErrorBody>('/api/rounds/P-3', body, team.supervisor.token);
          expect(response.status).toBe(409);
          expect(response.body.error).toBe('conflict');
        }
        // The same values as stored are not a change.
        expectStatus(await h.api.patch('/api/rounds/P-3', { rectifyBelow: 90 }, team.supervisor.token), 200, 'same');
        const renamed = await h.api.patch<RoundView>('/api/rounds/P-3', { name: '改名' }, team.admin.token);
        expect(renamed.body).toMatchObject({ name: '改名', rectifyBelow: 90, rectifyDays: 15 });
      });

      it('answers 404 for an unknown round, 403 to field users, 401 without a token', async () => {
        expect((await h.api.patch('/api/rounds/nope', { name: 'x' }, team.supervisor.token)).status).toBe(404);
        await newRound('P-4');
        const counts = await countRows(h.server.ctx);
        expect((await h.api.patch('/api/rounds/P-4', { name: 'x' }, team.inspector.token)).status).toBe(403);
        expect((await h.api.patch('/api/rounds/P-4', { name: 'x' }, team.rechecker.token)).status).toBe(403);
        expect((await h.api.patch('/api/rounds/P-4', { name: 'x' })).status).toBe(401);
        expect(await countRows(h.server.ctx)).toEqual(counts);
        expect((await h.api.get<RoundView>('/api/rounds/P-4', team.supervisor.token)).body.name).not.toBe('x');
      });
    });

    describe('GET /api/rounds/{id}/results', () => {
      let first: string;
      let latest: string;

      beforeAll(async () => {
        await newRound('RES');
        // o-s1: revision 1 then revision 2 of the same inspection; revision 2 counts.
        const id = randomUUID();
        first = id;
        for (const revision of [1, 2]) {
          const built = h.fx.buildInspection({
            roundId: 'RES',
            siteId: 'o-s1',
            type: 'station',
            id,
            revision,
            grades: revision === 1 ? { T18: 'C#' } : { T18: 'B' },
            submittedAt: revision === 1 ? '2021-07-05T02:00:00.000Z' : '2021-07-06T02:00:00.000Z',
          });
          const t18 = built.body.answers.find((answer) => answer.itemId === 'T18')!;
          t18.defects = revision === 1 ? 3 : 1;
          t18.note = revision === 1 ? '活动室积尘严重' : '仍有少量积尘';
          await h.fx.uploadPhotos(team.inspector.token, built.photos);
          expectStatus(
            await h.api.put(`/api/inspections/${id}`, built.body, team.inspector.token),
            201,
            `revision ${revision}`,
          );
        }
        latest = id;
        await h.fx.submitInspection(team.inspector.token, { roundId: 'RES', siteId: 'o-s3', type: 'station' });
        // o-out is not in the round's scope: the office may still inspect it, it is not a result.
        await h.fx.submitInspection(team.supervisor.token, { roundId: 'RES', siteId: 'o-out', type: 'station' });
      });

      it('gives each in-scope site its latest result with grades, defects and notes per item', async () => {
        const response = await h.api.get<RoundResult[]>('/api/rounds/RES/results', team.supervisor.token);
        expectStatus(response, 200, 'results');
        expect(response.body.map((result) => result.siteId)).toEqual(['o-s1', 'o-s3']);
        const [s1, s3] = response.body as [RoundResult, RoundResult];
        expect(s1).toMatchObject({
          inspectionId: latest,
          revision: 2,
          inspectorId: team.inspector.id,
          fullMarks: false,
        });
        expect(first).toBe(latest);
        expect(s1.grades.T18).toBe('B');
        expect(s1.grades.T01).toBe('A');
        expect(Object.keys(s1.grades)).toHaveLength(20);
        expect(s1.defects).toEqual({ T18: 1 });
        expect(s1.notes).toEqual({ T18: '仍有少量积尘' });
        expect(s1.score).toBe(97.62);
        expect(s3).toMatchObject({ fullMarks: true, score: 100 });
        expect(s3.defects).toBeUndefined();
        expect(s3.notes).toBeUndefined();
      });

      it('is office-only and 404 for an unknown round', async () => {
        expect((await h.api.get('/api/rounds/RES/results', team.inspector.token)).status).toBe(403);
        expect((await h.api.get('/api/rounds/RES/results', team.rechecker.token)).status).toBe(403);
        expect((await h.api.get('/api/rounds/RES/results')).status).toBe(401);
        expect((await h.api.get('/api/rounds/none/results', team.admin.token)).status).toBe(404);
      });
    });

    describe('GET /api/rounds/{id}/inspections?since=', () => {
      it('lists what arrived at or after `since`, newest first; all without it', async () => {
        await newRound('FEED');
        const a = await h.fx.submitInspection(team.inspector.token, {
          roundId: 'FEED',
          siteId: 'o-s1',
          type: 'station',
        });
        h.clock.advance(5_000);
        const b = await h.fx.submitInspection(team.inspector.token, {
          roundId: 'FEED',
          siteId: 'o-s2',
          type: 'station',
        });
        h.clock.advance(5_000);
        const c = await h.fx.submitInspection(team.inspector.token, {
          roundId: 'FEED',
          siteId: 'o-s3',
          type: 'station',
        });

        const all = await h.api.get<Summary[]>('/api/rounds/FEED/inspections', team.supervisor.token);
        expectStatus(all, 200, 'all');
        expect(all.headers.get('cache-control')).toBe('no-store');
        expect(all.body.map((row) => row.id)).toEqual([c.body.id, b.body.id, a.body.id]);

        const bReceived = all.body.find((row) => row.id === b.body.id)!.receivedAt;
        const since = await h.api.get<Summary[]>(
          `/api/rounds/FEED/inspections?since=${encodeURIComponent(bReceived)}`,
          team.supervisor.token,
        );
        // Inclusive: the row received exactly at `since` comes again (the client dedupes).
        expect(since.body.map((row) => row.id)).toEqual([c.body.id, b.body.id]);
        const offset = new Date(Date.parse(bReceived) + 1).toISOString().replace('Z', '+00:00');
        const later = await h.api.get<Summary[]>(
          `/api/rounds/FEED/inspections?since=${encodeURIComponent(offset)}`,
          team.supervisor.token,
        );
        expect(later.body.map((row) => row.id)).toEqual([c.body.id]);
        h.clock.reset();
      });

      it('rejects a `since` that is not an instant, field users and unknown rounds', async () => {
        const bad = await h.api.get<ErrorBody>('/api/rounds/FEED/inspections?since=yesterday', team.supervisor.token);
        expect(bad.status).toBe(400);
        expect(bad.body.issues?.[0]?.path).toBe('since');
        expect((await h.api.get('/api/rounds/FEED/inspections', team.inspector.token)).status).toBe(403);
        expect((await h.api.get('/api/rounds/none/inspections', team.supervisor.token)).status).toBe(404);
      });
    });

    describe('report: example photos of common problems', () => {
      it('adds up to three photos per problem from the sites’ latest results only', async () => {
        await newRound('PH', ['o-s1', 'o-s2', 'o-s3']);
        const old = jpeg({ label: 'old T16' });
        const id = randomUUID();
        // Revision 1 of o-s1 deducted T16 with `old`; revision 2 deducts T16 again with a new photo.
        const fresh = jpeg({ label: 'fresh T16' });
        for (const [revision, photo] of [
          [1, old],
          [2, fresh],
        ] as const) {
          expectStatus(
            (
              await h.fx.submitInspection(team.inspector.token, {
                roundId: 'PH',
                siteId: 'o-s1',
                type: 'station',
                id,
                revision,
                grades: { T16: 'C#' },
                photos: { T16: [photo] },
                submittedAt: `2021-07-0${revision}T02:00:00.000Z`,
              })
            ).response,
            201,
            `o-s1 r${revision}`,
          );
        }
        const s2 = [jpeg(), jpeg(), jpeg()];
        await h.fx.submitInspection(team.inspector.token, {
          roundId: 'PH',
          siteId: 'o-s2',
          type: 'station',
          grades: { T16: 'C#', T18: 'C' },
          photos: { T16: s2 },
        });
        // o-s3 is full marks: no photos, no problem.
        await h.fx.submitInspection(team.inspector.token, { roundId: 'PH', siteId: 'o-s3', type: 'station' });

        const report = await h.api.get<{
          commonProblems: { itemId: string; sites: number; examplePhotos: string[]; exampleSites: string[] }[];
        }>('/api/rounds/PH/report', team.supervisor.token);
        const t16 = report.body.commonProblems.find((problem) => problem.itemId === 'T16')!;
        const t18 = report.body.commonProblems.find((problem) => problem.itemId === 'T18')!;
        expect(t16.sites).toBe(2);
        expect(t16.examplePhotos).toHaveLength(3);
        // One per site first (o-s1's fresh photo, then one of o-s2's), then more of o-s2.
        expect(t16.examplePhotos[0]).toBe(sha256(fresh));
        expect(t16.examplePhotos).not.toContain(sha256(old));
        expect(t16.examplePhotos.slice(1).every((hash) => s2.map((bytes) => sha256(bytes)).includes(hash))).toBe(true);
        expect(t18.examplePhotos).toHaveLength(1);
        // Each photo names its site, so the viewer can say where it was taken.
        expect(t16.exampleSites).toEqual(['o-s1', 'o-s2', 'o-s2']);
        expect(t18.exampleSites).toEqual(['o-s2']);
      });
    });

    describe('photo metadata with an inspection', () => {
      it('keeps capture time and GPS per photo and returns them with the inspection', async () => {
        await newRound('META', ['o-s1']);
        const built = h.fx.buildInspection({ roundId: 'META', siteId: 'o-s1', type: 'station', grades: { T01: 'C#' } });
        const [hash] = await h.fx.uploadPhotos(team.inspector.token, built.photos);
        const body = {
          ...built.body,
          photoMeta: { [hash!]: { capturedAt: '2021-07-05T09:58:00+08:00', lat: 33.73, lng: 113.19, accuracy: 8 } },
        };
        expectStatus(await h.api.put(`/api/inspections/${body.id}`, body, team.inspector.token), 201, 'put');
        const stored = await h.api.get<{ photoMeta: unknown }>(`/api/inspections/${body.id}`, team.supervisor.token);
        expect(stored.body.photoMeta).toEqual(body.photoMeta);

        const bad = { ...body, id: randomUUID(), photoMeta: { 'not-a-hash': { capturedAt: 'today' } } };
        expect((await h.api.put(`/api/inspections/${bad.id}`, bad, team.inspector.token)).status).toBe(400);
      });
    });
  },
  { openStorage: false },
);
