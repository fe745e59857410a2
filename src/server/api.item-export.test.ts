/**
 * The per-item score sheet streamed by the server (`GET /api/rounds/{id}/exports/items.csv`):
 * the office export's columns and cells, one line per rubric item of each in-scope site's
 * result, and a stream — written batch by batch, its memory bounded by a batch, not the sheet.
 */
import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, expect, it } from 'vitest';
import { itemExport, EXPORT_BATCH } from './services/item-export';
import { resultExport, RESULT_EXPORT_BATCH } from './services/result-export';
import { describeEachEngine } from './storage/test-engines';
import { expectStatus, site, useApiServer, type Team } from './test-support/api-harness';

const ROUND = 'export-round';
const BIG = 'export-big';
const BIG_SITES = 2_000;

// A collection on demand, so that what the heap holds after each chunk is what the export keeps,
// not garbage waiting for the collector.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const liveHeap = () => {
  collectGarbage();
  return process.memoryUsage().heapUsed;
};

/** Streams the chunks, measuring the live heap after each: peak above the start, and its drift. */
async function streamMeasured(chunks: AsyncIterable<string>) {
  const chunkLines: number[] = [];
  let bytes = 0;
  const before = liveHeap();
  const held: number[] = [];
  for await (const chunk of chunks) {
    chunkLines.push(chunk.split('\r\n').length - 1);
    bytes += Buffer.byteLength(chunk);
    held.push(liveHeap() - before);
  }
  const quarter = Math.max(1, Math.floor(held.length / 4));
  const early = Math.max(...held.slice(0, quarter));
  const late = Math.max(...held.slice(-quarter));
  return { chunkLines, bytes, peak: Math.max(...held), drift: late - early };
}

describeEachEngine(
  'the per-item score sheet as a stream',
  (engine) => {
    const h = useApiServer(engine);
    let team: Team;

    beforeAll(async () => {
      team = await h.fx.team();
      const office = team.supervisor.token;
      await h.fx.setUpRound(office, {
        round: { id: ROUND },
        sites: [site('station', 'E-S1', '新华区'), site('center', 'E-C1', '卫东区'), site('station', 'E-S2', '新华区')],
        assignees: [team.inspector],
      });
      const station = h.fx.rubrics.get('2021')!.types.station.items.find((item) => !item.countRule)!;
      const built = h.fx.buildInspection({
        roundId: ROUND,
        siteId: 'E-S1',
        type: 'station',
        grades: { [station.id]: 'C#' },
      });
      built.body.answers.find((answer) => answer.itemId === station.id)!.note = '=HYPERLINK("x"), 未上墙';
      await h.fx.uploadPhotos(team.inspector.token, built.photos);
      expectStatus(await h.api.put(`/api/inspections/${built.body.id}`, built.body, team.inspector.token), 201, 'E-S1');
      expectStatus(
        (await h.fx.submitInspection(team.inspector.token, { roundId: ROUND, siteId: 'E-C1', type: 'center' }))
          .response,
        201,
        'E-C1',
      );

      // A bigger round written straight into the tables (as the transaction would), to stream.
      const { db } = h.server.ctx;
      const body = JSON.stringify(
        h.fx.buildInspection({ roundId: BIG, siteId: 'X', type: 'station', submittedAt: '2021-07-05T02:00:00.000Z' })
          .body,
      );
      const at = '2021-07-05T02:00:00.000Z';
      await db
        .insertInto('rounds')
        .values({
          id: BIG,
          name: '导出压测',
          rubric_version: '2021',
          rectify_below: 90,
          rectify_days: 15,
          starts_on: '2021-07-01',
          ends_on: '2021-07-31',
          created_at: at,
        })
        .execute();
      for (let start = 0; start < BIG_SITES; start += 250) {
        const ids = Array.from({ length: 250 }, (_, i) => `BIG-${String(start + i).padStart(5, '0')}`);
        const inspections = ids.map((id) => ({ id, inspection: randomUUID() }));
        await db
          .insertInto('sites')
          .values(
            ids.map((id) => ({
              id,
              name: `导出${id}新时代文明实践站`,
              type: 'station' as const,
              district: '新华区',
              parent_id: null,
              address: null,
              lat: null,
              lng: null,
              updated_at: at,
            })),
          )
          .execute();
        await db
          .insertInto('assignments')
          .values(ids.map((id) => ({ round_id: BIG, site_id: id, user_id: team.inspector.id })))
          .execute();
        const common = {
          revision: 1,
          round_id: BIG,
          inspector_id: team.inspector.id,
          submitted_at: at,
          received_at: at,
          score: 100,
          full_marks: 1 as const,
        };
        await db
          .insertInto('inspections')
          .values(
            inspections.map(({ id, inspection }) => ({
              ...common,
              id: inspection,
              site_id: id,
              rubric_version: '2021',
              started_at: at,
              location_json: null,
              deductions_json: '[]',
              body_json: body,
            })),
          )
          .execute();
        await db
          .insertInto('site_results')
          .values(
            inspections.map(({ id, inspection }) => ({
              round_id: BIG,
              site_id: id,
              inspection_id: inspection,
              revision: 1,
              inspector_id: team.inspector.id,
              submitted_at: at,
              received_at: at,
              score: 100,
              score_hundredths: 10_000,
              full_marks: 1 as const,
              // Checked and clean, as results stored since migration 0011 are: an empty 核验提示.
              flags_json: '[]',
            })),
          )
          .execute();
      }
    });

    it('writes the office export’s cells, UTF-8 with BOM and CRLF, for each in-scope result', async () => {
      const response = expectStatus(
        await h.api.get(`/api/rounds/${ROUND}/exports/items.csv`, team.supervisor.token),
        200,
        'items.csv',
      );
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(response.headers.get('content-disposition')).toBe(`attachment; filename="items-${ROUND}.csv"`);
      const text = response.bytes.toString('utf8');
      expect(
        text.startsWith(
          '\uFEFF区县,点位编号,点位名称,类型,项目编号,类别,测评项目,分值,等级,缺陷数,得分,备注,核验提示\r\n',
        ),
      ).toBe(true);
      const lines = text.slice(1).split('\r\n').slice(1, -1);
      const rubric = h.fx.rubrics.get('2021')!.types;
      // 卫东区 before 新华区 in Chinese collation; E-S2 was never inspected.
      expect(lines.length).toBe(rubric.center.items.length + rubric.station.items.length);
      expect(Number(response.headers.get('x-row-count'))).toBe(lines.length);
      expect(lines[0]!.startsWith('卫东区,E-C1,')).toBe(true);
      const station = rubric.station.items.find((item) => !item.countRule)!;
      const deducted = lines.find((line) => line.startsWith(`新华区,E-S1,`) && line.includes(`,${station.id},`))!;
      // Sent without any position (an older phone): flagged, on each line of the site.
      expect(deducted).toContain(`,${station.points},C#,,0,"'=HYPERLINK(""x""), 未上墙",无定位`);
      expectStatus(await h.api.get(`/api/rounds/${ROUND}/exports/items.csv`, team.inspector.token), 403, 'inspector');
      expectStatus(await h.api.get(`/api/rounds/nope/exports/items.csv`, team.supervisor.token), 404, 'unknown');
    });

    // A collection after every chunk, on a shared machine: seconds, not the default 5 (both tests).
    it('streams a big round batch by batch, its memory bounded by a batch', async () => {
      const rubric = h.fx.rubrics.get('2021')!;
      const items = rubric.types.station.items.length;
      const { rows, chunks } = await itemExport(h.server.ctx.db, rubric, BIG);
      expect(rows).toBe(BIG_SITES * items);
      const { chunkLines, bytes, peak, drift } = await streamMeasured(chunks);
      expect(chunkLines.reduce((sum, lines) => sum + lines, 0)).toBe(rows + 1);
      // One batch of sites at most per chunk: what the server holds at once.
      for (const lines of chunkLines) expect(lines).toBeLessThanOrEqual(EXPORT_BATCH * items);
      expect(chunkLines).toHaveLength(1 + Math.ceil(BIG_SITES / EXPORT_BATCH));
      // The sheet is never held whole: the live heap stays well below its size, and what it holds
      // at the end is what it held at the start (a build-then-send export grows by the whole sheet).
      expect(bytes).toBeGreaterThan(3_000_000);
      expect(peak).toBeLessThan(bytes / 2);
      // A quarter of the sheet: a build-then-send export drifts by the whole of it; the database
      // driver's own buffers and the collector's timing move a streamed one by a few hundred kB.
      expect(drift).toBeLessThan(bytes / 4);

      // Over HTTP the first bytes come before the last batch is read.
      const response = await fetch(`${h.api.baseUrl}/api/rounds/${BIG}/exports/items.csv`, {
        headers: { authorization: `Bearer ${team.supervisor.token}` },
      });
      const reader = response.body!.getReader();
      let received = 0;
      let reads = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        reads++;
        received += value.byteLength;
      }
      expect(received).toBe(bytes);
      expect(reads).toBeGreaterThan(1);
    }, 60_000);

    it('writes the results sheet: every in-scope site, inspected or not, with the export’s cells', async () => {
      const response = expectStatus(
        await h.api.get(`/api/rounds/${ROUND}/exports/results.csv`, team.supervisor.token),
        200,
        'results.csv',
      );
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(response.headers.get('content-disposition')).toBe(`attachment; filename="results-${ROUND}.csv"`);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const text = response.bytes.toString('utf8');
      expect(
        text.startsWith(
          '\uFEFF区县,点位编号,点位名称,类型,测评状态,得分,满分,须整改,扣分项数,测评员,提交时间,版本,核验提示\r\n',
        ),
      ).toBe(true);
      const lines = text.slice(1).split('\r\n').slice(1, -1);
      expect(Number(response.headers.get('x-row-count'))).toBe(3);
      // 卫东区 before 新华区; in a district by type, then id. E-S2 was never inspected.
      expect(lines.map((line) => line.split(',').slice(0, 5))).toEqual([
        ['卫东区', 'E-C1', '卫东区E-C1新时代文明实践中心', '中心', '已测评'],
        ['新华区', 'E-S1', '新华区E-S1新时代文明实践站', '站', '已测评'],
        ['新华区', 'E-S2', '新华区E-S2新时代文明实践站', '站', '未测评'],
      ]);
      const [center, deducted, never] = lines.map((line) => line.split(','));
      expect(center!.slice(5, 9)).toEqual(['100', '是', '否', '0']);
      // One item at C#: points lost, one deduction; the inspector by name, Shanghai time, revision.
      expect(Number(deducted![5])).toBeLessThan(100);
      expect(deducted!.slice(6, 9)).toEqual(['否', Number(deducted![5]) < 90 ? '是' : '否', '1']);
      expect(deducted![9]).toBe(team.inspector.displayName);
      expect(deducted![10]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
      expect(deducted![11]).toBe('1');
      expect(deducted![12]).toBe('无定位'); // sent without any position, as an older phone does
      expect(never!.slice(5)).toEqual(['', '', '', '', '', '', '', '']);
      expectStatus(await h.api.get(`/api/rounds/${ROUND}/exports/results.csv`, team.inspector.token), 403, 'inspector');
      expectStatus(await h.api.get(`/api/rounds/nope/exports/results.csv`, team.supervisor.token), 404, 'unknown');
    });

    it('streams the results sheet of a big round a batch at a time', async () => {
      const round = await h.server.ctx.db
        .selectFrom('rounds')
        .selectAll()
        .where('id', '=', BIG)
        .executeTakeFirstOrThrow();
      const { rows, chunks } = await resultExport(h.server.ctx.db, round);
      expect(rows).toBe(BIG_SITES);
      const { chunkLines } = await streamMeasured(chunks);
      expect(chunkLines).toEqual([
        1,
        ...Array.from({ length: BIG_SITES / RESULT_EXPORT_BATCH }, () => RESULT_EXPORT_BATCH),
      ]);
    }, 60_000);
  },
  { openStorage: false },
);
