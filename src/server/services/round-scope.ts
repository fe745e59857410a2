/**
 * A round's scope — the sites assigned in it — as a condition on a site column: `exists` with
 * one probe of the assignments index (site_id, round_id) per row. SQLite plans the equivalent
 * `site_id in (select … from assignments …)` badly when it is joined (a 30,000-inspection round
 * took seconds instead of milliseconds), so every query of a round's results uses this.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';

export function assignedInRound(roundId: string, siteColumn: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`exists (select 1 from assignments where assignments.site_id = ${sql.ref(siteColumn)} and assignments.round_id = ${roundId})`;
}
