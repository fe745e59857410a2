/**
 * The loop's figures of a round (issue #17) per district and per unit account, counted by
 * `domain/unit-figures.ts` over the round's dispatched rectifications. A unit's items are those
 * of the sites and districts it answers for (site links are not units: their station's figures
 * are in its district's and its responsible unit's).
 */
import type { Kysely } from 'kysely';
import { loopFigures, loopFiguresBy, type LoopItem } from '../../domain/unit-figures';
import type { Database } from '../storage/schema';

export async function roundUnitFigures(db: Kysely<Database>, roundId: string) {
  const rows = await db
    .selectFrom('rectifications')
    .innerJoin('sites', 'sites.id', 'rectifications.site_id')
    .select(['rectifications.id', 'rectifications.site_id', 'rectifications.due_on', 'rectifications.status'])
    .select(['rectifications.closed_at', 'rectifications.withdrawn_at', 'sites.district'])
    .select((eb) => [
      eb
        .exists(
          eb
            .selectFrom('rechecks')
            .select('rechecks.id')
            .whereRef('rechecks.rectification_id', '=', 'rectifications.id')
            .where('rechecks.verdict', '=', 'not_fixed'),
        )
        .as('sent_back'),
      eb
        .exists(
          eb
            .selectFrom('unit_requests')
            .select('unit_requests.id')
            .whereRef('unit_requests.rectification_id', '=', 'rectifications.id')
            .where('unit_requests.kind', '=', 'extension')
            .where('unit_requests.status', '=', 'approved'),
        )
        .as('extended'),
    ])
    .where('rectifications.round_id', '=', roundId)
    .where('rectifications.dispatched_at', 'is not', null)
    .execute();
  const objections = await db
    .selectFrom('unit_requests')
    .innerJoin('rectifications', 'rectifications.id', 'unit_requests.rectification_id')
    .select(['unit_requests.rectification_id', 'unit_requests.status'])
    .where('rectifications.round_id', '=', roundId)
    .where('unit_requests.kind', '=', 'objection')
    .orderBy('unit_requests.requested_at')
    .execute();
  // An item's objection outcome: its latest objection's.
  const objectionOf = new Map(objections.map((row) => [row.rectification_id, row.status]));

  const items = rows.map((row) => {
    const objection = objectionOf.get(row.id);
    const loopItem: LoopItem = {
      district: row.district,
      dueOn: row.due_on,
      closedAt: row.status === 'closed' ? row.closed_at : null,
      withdrawn: row.withdrawn_at !== null,
      sentBack: Boolean(row.sent_back),
      extended: Boolean(row.extended),
      objected: objection !== undefined,
      objectionDecision: objection === 'approved' || objection === 'refused' ? objection : null,
    };
    return { siteId: row.site_id, loopItem };
  });

  const byDistrict = new Map<string, LoopItem[]>();
  for (const { loopItem } of items) push(byDistrict, loopItem.district, loopItem);

  const units = await db
    .selectFrom('users')
    .leftJoin('unit_responsibilities', 'unit_responsibilities.user_id', 'users.id')
    .select(['users.id', 'users.display_name', 'unit_responsibilities.kind', 'unit_responsibilities.target'])
    .where('users.role', '=', 'unit')
    .where('users.link_only', '=', 0)
    .execute();
  const names = new Map(units.map((unit) => [unit.id, unit.display_name]));
  const byUnit = new Map<string, LoopItem[]>();
  for (const unit of names.keys()) byUnit.set(unit, []);
  for (const { siteId, loopItem } of items) {
    const owners = new Set(
      units
        .filter((unit) =>
          unit.kind === 'site' ? unit.target === siteId : unit.kind === 'district' && unit.target === loopItem.district,
        )
        .map((unit) => unit.id),
    );
    for (const owner of owners) push(byUnit, owner, loopItem);
  }
  const collator = new Intl.Collator('zh-CN');
  return {
    roundId,
    totals: loopFigures(items.map((item) => item.loopItem)),
    byDistrict: loopFiguresBy(byDistrict, collator.compare).map(({ key, figures }) => ({ district: key, ...figures })),
    byUnit: loopFiguresBy(byUnit, (a, b) => collator.compare(names.get(a)!, names.get(b)!) || (a < b ? -1 : 1)).map(
      ({ key, figures }) => ({ userId: key, displayName: names.get(key)!, ...figures }),
    ),
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
