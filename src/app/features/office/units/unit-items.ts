/** Shared by the units' office tabs (#17): items grouped by district, rubric items by id. */
import type { Rubric, RubricItem } from '../../../../domain/rubric';

/** Grouped by district in the order the districts first appear (the server sorts by due date). */
export function byDistrict<T extends { district: string }>(items: readonly T[]): ReadonlyMap<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(item.district);
    if (list) list.push(item);
    else groups.set(item.district, [item]);
  }
  return groups;
}

export function rubricItems(rubric: Rubric): ReadonlyMap<string, RubricItem> {
  return new Map(Object.values(rubric.types).flatMap((file) => file.items.map((item) => [item.id, item] as const)));
}
