/**
 * Each site's current result kept as rows (`site_results`, `site_result_items`, migration 0008):
 * through the real server, a round with amendments, two inspections of one site, equal
 * submission times, notes, a site outside the round's scope and an assignment removed. The
 * report from the kept rows must equal the domain's `buildRoundReport` over every stored
 * revision; the migration's backfill must write exactly what the inspections' transactions
 * wrote; the field bootstrap's results must be the sites' current results.
 */
import { beforeAll, expect, it } from 'vitest';
import type { AnswerGrade } from '../domain/grades';
import { latestResults } from '../domain/report';
import type { SiteType } from '../domain/rubric';
import { reportFromInspections, roundReport } from './services/reports';
import { resultKeyOf } from './services/result-rows';
import { backfill } from './storage/migrations/0008-site-results';
import { describeEachEngine } from './storage/test-engines';
import { expectStatus, site, useApiServer, type Actor, type Team } from './test-support/api-harness';

const ROUND = 'kept-results';

describeEachEngine(
  'site results kept as rows',
  (engine) => {
    const h = useApiServer(engine);
    let team: Team;
    let inspector: Actor;
    const sites = [
      site('center', 'C1', '新华区'),
      site('institute', 'I1', '新华区'),
      site('institute', 'I2', '卫东区'),
      site('station', 'S1', '卫东区'),
      site('station', 'S2', '湛河区'),
      site('station', 'S3', '湛河区'),
      site('station', 'S4', '湛河区'),
      site('station', 'OUT', '石龙区'), // never assigned: out of scope
      site('station', 'GONE', '石龙区'), // assigned, inspected, then unassigned
    ];

    const put = async (spec: {
      siteId: string;
      grades?: Record<string, AnswerGrade>;
      id?: string;
      revision?: number;
      submittedAt: string;
      notes?: Record<string, string>;
    }) => {
      const type = sites.find((candidate) => candidate.id === spec.siteId)!.type;
      const built = h.fx.buildInspection({ roundId: ROUND, type, ...spec });
      for (const answer of built.body.answers) {
        const note = spec.notes?.[answer.itemId];
        if (note) answer.note = note;
      }
      await h.fx.uploadPhotos(team.supervisor.token, built.photos);
      h.clock.advance(1000);
      expectStatus(
        await h.api.put(`/api/inspections/${built.body.id}`, built.body, team.supervisor.token),
        201,
        `inspection of ${spec.siteId}`,
      );
      return built.body.id;
    };

    beforeAll(async () => {
      team = await h.fx.team();
      inspector = team.inspector;
      await h.fx.setUpRound(team.supervisor.token, {
        round: { id: ROUND, rectifyBelow: 90 },
        sites,
        assignees: [],
      });
      const assigned = sites.filter((candidate) => candidate.id !== 'OUT');
      await h.fx.assign(
        team.supervisor.token,
        ROUND,
        assigned.map((candidate) => ({ siteId: candidate.id, userId: inspector.id })),
      );
      // Items without a defect count: poor loses the three dearest (C#), minor the cheapest (its second grade).
      const plain = (type: SiteType) =>
        h.fx.rubrics
          .get('2021')!
          .types[type].items.filter((item) => !item.countRule)
          .sort((a, b) => a.points - b.points);
      const poor = (type: SiteType) =>
        Object.fromEntries(
          plain(type)
            .slice(-3)
            .map((item) => [item.id, 'C#']),
        ) as Record<string, AnswerGrade>;
      const minor = (type: SiteType) => {
        const cheapest = plain(type)[0]!;
        return { [cheapest.id]: cheapest.grades[1]! } as Record<string, AnswerGrade>;
      };
      const noteOn = (grades: Record<string, AnswerGrade>) =>
        Object.fromEntries(Object.keys(grades).map((itemId) => [itemId, `${itemId} 未达标`]));

      // C1: poor, then amended (revision 2, submitted EARLIER) to minor: the revision wins.
      const c1 = await put({ siteId: 'C1', grades: poor('center'), submittedAt: '2021-07-05T03:00:00.000Z' });
      await put({
        siteId: 'C1',
        id: c1,
        revision: 2,
        grades: minor('center'),
        notes: noteOn(minor('center')),
        submittedAt: '2021-07-05T02:00:00.000Z',
      });
      // I1: two devices; the later submission wins although it arrives first.
      await put({
        siteId: 'I1',
        grades: poor('institute'),
        notes: noteOn(poor('institute')),
        submittedAt: '2021-07-06T03:00:00.000Z',
      });
      await put({ siteId: 'I1', grades: minor('institute'), submittedAt: '2021-07-06T01:00:00.000Z' });
      // I2: two devices, same submission instant: the later arrival wins.
      await put({ siteId: 'I2', grades: minor('institute'), submittedAt: '2021-07-07T03:00:00.000Z' });
      await put({
        siteId: 'I2',
        grades: poor('institute'),
        notes: noteOn(poor('institute')),
        submittedAt: '2021-07-07T03:00:00.000Z',
      });
      // S1 poor, S2 full marks, S3 poor then full (a newer inspection), S4 never inspected.
      await put({
        siteId: 'S1',
        grades: poor('station'),
        notes: noteOn(poor('station')),
        submittedAt: '2021-07-08T03:00:00.000Z',
      });
      await put({ siteId: 'S2', submittedAt: '2021-07-08T04:00:00.000Z' });
      await put({ siteId: 'S3', grades: poor('station'), submittedAt: '2021-07-08T05:00:00.000Z' });
      await put({ siteId: 'S3', submittedAt: '2021-07-09T05:00:00.000Z' });
      // OUT: inspected by the office but never assigned; GONE: inspected, then unassigned.
      await put({ siteId: 'OUT', grades: poor('station'), submittedAt: '2021-07-08T03:00:00.000Z' });
      await put({ siteId: 'GONE', grades: poor('station'), submittedAt: '2021-07-08T03:00:00.000Z' });
      expectStatus(
        await h.api.delete(`/api/rounds/${ROUND}/assignments`, team.supervisor.token, [
          { siteId: 'GONE', userId: inspector.id },
        ]),
        200,
        'unassign GONE',
      );
    });

    it('reports from the kept rows exactly what the domain computes from every stored revision', async () => {
      const { db } = h.server.ctx;
      const round = await db.selectFrom('rounds').selectAll().where('id', '=', ROUND).executeTakeFirstOrThrow();
      const titles = new Map(
        Object.values(h.fx.rubrics.get('2021')!.types).flatMap((file) =>
          file.items.map((item) => [item.id, item.title] as const),
        ),
      );
      const expected = await reportFromInspections(db, round, (itemId) => titles.get(itemId) ?? itemId);
      const kept = await roundReport(db, h.server.ctx.rubrics, ROUND, { examplePhotos: 0 });
      expect(kept).toEqual(expected);
      expect(expected.byType.station).toMatchObject({ sites: 4, inspected: 3, toRectify: 1 });
      expect(expected.rectifications.length).toBeGreaterThan(0);

      const served = expectStatus(
        await h.api.get<typeof expected>(`/api/rounds/${ROUND}/report`, team.supervisor.token),
        200,
        'report',
      ).body;
      expect({
        ...served,
        commonProblems: served.commonProblems.map(({ itemId, title, sites }) => ({ itemId, title, sites })),
      }).toEqual(expected);
      // Example photos come from the sites' current results only.
      const current = new Set(served.rectifications.map((row) => row.siteId));
      for (const problem of served.commonProblems) {
        expect(problem.examplePhotos!.length).toBeGreaterThan(0);
        for (const siteId of problem.exampleSites!) expect(['C1', 'I1', 'I2', 'S1', ...current]).toContain(siteId);
      }
    });

    it('pages, filters and sorts the results list where the data is', async () => {
      type Page = {
        total: number;
        offset: number;
        rows: { siteId: string; score: number; mustRectify: boolean; type: string }[];
      };
      const list = async (query: string) =>
        expectStatus(
          await h.api.get<Page>(`/api/rounds/${ROUND}/result-list${query}`, team.supervisor.token),
          200,
          `result-list${query}`,
        ).body;
      const all = await list('?limit=1000&sort=score&direction=asc');
      expect(all.total).toBe(6);
      expect(all.rows.map((row) => row.siteId).sort()).toEqual(['C1', 'I1', 'I2', 'S1', 'S2', 'S3']);
      const scores = all.rows.map((row) => row.score);
      expect(scores).toEqual([...scores].sort((a, b) => a - b));
      // Pages join up: two of two, then the rest.
      const first = await list('?limit=2&sort=score&direction=asc');
      const rest = await list('?limit=10&offset=2&sort=score&direction=asc');
      expect([...first.rows, ...rest.rows]).toEqual(all.rows);
      expect(first.total).toBe(6);

      expect((await list('?type=station')).rows.map((row) => row.siteId).sort()).toEqual(['S1', 'S2', 'S3']);
      const toRectify = await list('?rectify=yes');
      expect(toRectify.rows.every((row) => row.mustRectify)).toBe(true);
      expect(toRectify.total).toBe(all.rows.filter((row) => row.mustRectify).length);
      expect((await list('?q=s1')).rows.map((row) => row.siteId)).toEqual(['S1']);
      expect((await list('?q=%25')).total).toBe(0);
      expect((await list('?district=%E5%8D%AB%E4%B8%9C%E5%8C%BA')).rows.map((row) => row.siteId).sort()).toEqual([
        'I2',
        'S1',
      ]);
      // Shanghai dates: S3's result was submitted 2021-07-09 13:00 in Shanghai.
      expect((await list('?from=2021-07-09')).rows.map((row) => row.siteId)).toEqual(['S3']);
      expect((await list('?to=2021-07-05')).rows.map((row) => row.siteId)).toEqual(['C1']);
      expect((await list('?minScore=100')).rows.map((row) => row.siteId).sort()).toEqual(['S2', 'S3']);

      expectStatus(await h.api.get(`/api/rounds/${ROUND}/result-list?limit=0`, team.supervisor.token), 400, 'limit 0');
      expectStatus(await h.api.get(`/api/rounds/${ROUND}/result-list?sort=x`, team.supervisor.token), 400, 'sort');
      expectStatus(await h.api.get(`/api/rounds/nope/result-list`, team.supervisor.token), 404, 'unknown round');
      expectStatus(await h.api.get(`/api/rounds/${ROUND}/result-list`, inspector.token), 403, 'inspector');
    });

    it('keeps each rectification with the note of the inspection it follows', async () => {
      const listed = await h.fx.rectifications(team.supervisor.token, `?roundId=${ROUND}`);
      const s1 = listed.filter((row) => row.siteId === 'S1');
      expect(s1.length).toBe(3);
      for (const row of s1) expect((row as { note?: string }).note).toBe(`${row.itemId} 未达标`);
    });

    it('backfills exactly what the inspections wrote (migration 0008)', async () => {
      const { db } = h.server.ctx;
      const snapshot = async () => ({
        // Migration 0008 predates the presence flags (0011 copies none: it adds them empty).
        results: (await db.selectFrom('site_results').selectAll().orderBy('site_id').execute()).map(
          ({ flags_json: _flags, time_on_site_s: _time, ...row }) => row,
        ),
        items: await db.selectFrom('site_result_items').selectAll().orderBy('site_id').orderBy('item_id').execute(),
        notes: await db.selectFrom('rectifications').select(['id', 'finding_note']).orderBy('id').execute(),
      });
      const written = await snapshot();
      expect(written.results.map((row) => row.site_id)).toEqual(['C1', 'GONE', 'I1', 'I2', 'OUT', 'S1', 'S2', 'S3']);
      await db.deleteFrom('site_result_items').execute();
      await db.deleteFrom('site_results').execute();
      await db.updateTable('rectifications').set({ finding_note: null }).execute();
      await backfill(db as never);
      expect(await snapshot()).toEqual(written);
    });

    it("gives a field user each assigned site's current result in the bootstrap", async () => {
      const { db } = h.server.ctx;
      const rows = await db
        .selectFrom('inspections')
        .innerJoin('users', 'users.id', 'inspections.inspector_id')
        .selectAll('inspections')
        .select('users.display_name')
        .where('round_id', '=', ROUND)
        .execute();
      const assigned = new Set(sites.map((candidate) => candidate.id).filter((id) => id !== 'OUT' && id !== 'GONE'));
      const expected = [...latestResults(rows.filter((row) => assigned.has(row.site_id)).map(resultKeyOf)).values()]
        .map(({ row }) => ({
          roundId: ROUND,
          siteId: row.site_id,
          inspectionId: row.id,
          inspectorId: row.inspector_id,
          inspectorName: row.display_name,
          submittedAt: row.submitted_at,
          score: row.score,
        }))
        .sort((a, b) => a.siteId.localeCompare(b.siteId));
      const bootstrap = expectStatus(
        await h.api.get<{ results: unknown[] }>('/api/bootstrap', inspector.token),
        200,
        'bootstrap',
      ).body;
      expect(bootstrap.results).toEqual(expected);
      expect(expected.map((row) => row.siteId)).toEqual(['C1', 'I1', 'I2', 'S1', 'S2', 'S3']);
    });
  },
  { openStorage: false },
);
