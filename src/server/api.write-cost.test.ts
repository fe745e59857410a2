// What one inspection PUT costs the database, counted in statements (round trips, BEGIN and
// COMMIT included) rather than milliseconds: a count does not depend on how loaded the machine
// is, so this test holds the write path to its budget on a busy CI box (issue #16).
import { beforeAll, expect, it } from 'vitest';
import type { AnswerGrade } from '../domain/grades';
import { describeEachEngine } from './storage/test-engines';
import { expectStatus, site, useApiServer, type Team } from './test-support/api-harness';

const ROUND = 'cost-r1';

/**
 * Statements per PUT of a new inspection, the bearer-token check, BEGIN and COMMIT included (the
 * test's message lists them). Before issue #16's work: SQLite 18 and 26, PostgreSQL 19 and 28.
 * PostgreSQL writes an audit entry and moves the chain head in one statement. Under load the group
 * commit shares BEGIN, the head's lock and COMMIT among several PUTs (`npm run bench:server`).
 */
const BUDGET = {
  sqlite: { fullMarks: 10, withRectifications: 15 },
  postgres: { fullMarks: 9, withRectifications: 14 },
} as const;

describeEachEngine(
  'the cost of an inspection PUT',
  (engine) => {
    const statements: string[] = [];
    let counting = false;
    const h = useApiServer(engine, {
      onStatement: (sql) => {
        if (counting) statements.push(sql);
      },
    });
    let team: Team;

    beforeAll(async () => {
      team = await h.fx.team();
      await h.fx.setUpRound(team.supervisor.token, {
        round: { id: ROUND },
        sites: ['C-1', 'C-2', 'C-3', 'C-4'].map((id) => site('station', id)),
        assignees: [team.inspector],
      });
    });

    /** The statements one PUT sends, counted while nothing else runs. */
    const countPut = async (siteId: string, grades: Record<string, AnswerGrade> = {}) => {
      const built = h.fx.buildInspection({ roundId: ROUND, siteId, type: 'station', grades });
      await h.fx.uploadPhotos(team.inspector.token, built.photos);
      statements.length = 0;
      counting = true;
      const response = await h.api.put(`/api/inspections/${built.body.id}`, built.body, team.inspector.token);
      counting = false;
      expectStatus(response, 201, 'put inspection');
      return [...statements];
    };

    it('stores a full-marks inspection within the statement budget', async () => {
      await countPut('C-1'); // the first PUT may fill per-process caches
      const sent = await countPut('C-2');
      expect(sent.length, `statements:\n${sent.join('\n')}`).toBeLessThanOrEqual(BUDGET[engine.engine].fullMarks);
    });

    it('stores one that opens two rectifications (with photos, notes, items) within its budget', async () => {
      const sent = await countPut('C-3', { T06: 'C#', T07: 'C#' });
      expect(sent.length, `statements:\n${sent.join('\n')}`).toBeLessThanOrEqual(
        BUDGET[engine.engine].withRectifications,
      );
    });
  },
  { openStorage: false },
);
