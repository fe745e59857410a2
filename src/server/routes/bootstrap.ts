import type { FastifyPluginAsync } from 'fastify';
import type { Rubric } from '../../domain/rubric';
import { ANY_ROLE, currentUser } from '../auth/guard';
import { toUser } from '../auth/users';
import type { ServerContext } from '../context';
import { isOffice } from '../services/access';
import { assignedResults } from '../services/assigned-results';
import { bootstrapScope } from '../services/bootstrap-scope';
import { listRectifications } from '../services/rectifications';
import { roundView, siteView } from '../services/views';

/**
 * `GET /api/bootstrap`: everything the signed-in user needs offline, in one response. Field
 * workers get only their assignments, the rounds and sites those name, the rubric versions of
 * those rounds, the rectifications of their sites and those sites' current results; the office
 * gets everything but results.
 */
export const bootstrapRoutes: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.get('/bootstrap', { config: { allow: ANY_ROLE } }, async (request) => {
    const user = currentUser(request);
    const office = isOffice(user);
    const { assignments, rounds, sites } = await bootstrapScope(ctx.db, user);
    const versions = office ? ctx.rubrics.versions() : [...new Set(rounds.map((round) => round.rubric_version))];
    const rubrics: Record<string, Rubric> = {};
    for (const version of versions) {
      const rubric = ctx.rubrics.get(version);
      if (rubric) rubrics[version] = rubric;
    }
    return {
      user: toUser({ id: user.id, username: user.username, display_name: user.displayName, role: user.role }),
      rounds: rounds.map(roundView),
      sites: sites.map(siteView),
      assignments: assignments.map((a) => ({ roundId: a.round_id, siteId: a.site_id, userId: a.user_id })),
      rubrics,
      rectifications: await listRectifications(ctx.db, user, {}),
      // The office reads results from the server as it needs them, not from a bootstrap copy.
      results: office ? [] : await assignedResults(ctx.db, user.id),
    };
  });
};
