/**
 * The office's queue past its first page, on both engines: 520 reports (many received in the
 * same millisecond, so the order falls back on the id) come back in two pages with none repeated
 * or missing, in the queue's order; a bad `after` is a 400.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import type { CitizenReportView } from '../domain/citizen-reports';
import { describeEachEngine } from './storage/test-engines';
import { expectStatus, site, useApiServer, type Team } from './test-support/api-harness';

describeEachEngine(
  'citizen queue paging',
  (engine) => {
    const h = useApiServer(engine);
    let team: Team;
    const ids: string[] = [];

    beforeAll(async () => {
      team = await h.fx.team();
      await h.fx.upsertSites(team.supervisor.token, [site('station', 'p-1')]);
      const rows = Array.from({ length: 520 }, (_, n) => {
        // Ten reports per millisecond: the id decides among them.
        const at = new Date(Date.UTC(2021, 6, 17, 1, 0, 0, Math.floor(n / 10))).toISOString();
        return {
          id: randomUUID(),
          code: `R${String(n).padStart(7, '0')}`,
          site_id: 'p-1',
          category: 'unclean' as const,
          description: `第 ${n} 条`,
          phone: null,
          reporter_id: null,
          client_key: 'k'.repeat(64),
          challenge: null,
          created_at: at,
          received_at: at,
          status: 'new' as const,
          accept_due_on: '2021-07-19',
          accepted_at: null,
          close_due_on: null,
          closed_at: null,
          reply: null,
          merged_into: null,
          spot_round_id: null,
          spot_inspector_id: null,
          decided_by: null,
          rating: null,
          rated_at: null,
          body_json: '{"photos":[]}',
          handed_over_at: null,
          handed_over_by: null,
        };
      });
      for (let start = 0; start < rows.length; start += 100)
        await h.server.ctx.db
          .insertInto('citizen_reports')
          .values(rows.slice(start, start + 100))
          .execute();
      ids.push(
        ...rows
          .sort((a, b) => a.received_at.localeCompare(b.received_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
          .map((row) => row.id),
      );
    });

    const page = async (query: string) =>
      expectStatus(
        await h.api.get<CitizenReportView[]>(`/api/citizen-reports?${query}`, team.supervisor.token),
        200,
        query,
      ).body;

    it('pages past the 500 oldest in the queue’s order, none repeated or missing', async () => {
      const first = await page('queue=new');
      expect(first).toHaveLength(500);
      const second = await page(`queue=new&after=${first.at(-1)!.id}`);
      expect(second).toHaveLength(20);
      expect([...first, ...second].map((report) => report.id)).toEqual(ids);
      expect(await page(`queue=new&after=${second.at(-1)!.id}`)).toEqual([]);
    });

    it('refuses an after that is not a report', async () => {
      for (const after of [randomUUID(), 'nope', '']) {
        const response = await h.api.get(`/api/citizen-reports?queue=new&after=${after}`, team.supervisor.token);
        expect(response.status, after).toBe(400);
        expect(response.body).toMatchObject({ error: 'invalid_request', issues: [{ path: 'after' }] });
      }
    });
  },
  { openStorage: false },
);
