/**
 * The outbox's sending rule, pure so that the Dexie outbox and the sync tests' in-memory store
 * apply the very same one: pending entries that are due, in queue order (seq), except that a
 * submission's due photos come before it; a submission is left out while a photo of its group,
 * or an earlier submission of its group, is pending but not yet due.
 */
export interface Queued {
  seq: number;
  kind: 'photo' | 'inspection' | 'recheck';
  groupId: string;
}

/** `pending`: every pending entry, sorted by seq. `due`: whether an entry may be sent now. */
export function sendOrder<T extends Queued>(pending: readonly T[], due: (entry: T) => boolean): T[] {
  const duePhotosByGroup = new Map<string, T[]>();
  for (const entry of pending) {
    if (entry.kind === 'photo' && due(entry))
      duePhotosByGroup.set(entry.groupId, [...(duePhotosByGroup.get(entry.groupId) ?? []), entry]);
  }
  const held = (entry: T) =>
    pending.some(
      (other) =>
        other.groupId === entry.groupId &&
        other.seq !== entry.seq &&
        !due(other) &&
        (other.kind === 'photo' || other.seq < entry.seq),
    );
  const order: T[] = [];
  const taken = new Set<number>();
  const take = (entry: T) => {
    if (taken.has(entry.seq)) return;
    taken.add(entry.seq);
    order.push(entry);
  };
  for (const entry of pending) {
    if (!due(entry)) continue;
    if (entry.kind === 'photo') take(entry);
    else if (!held(entry)) {
      (duePhotosByGroup.get(entry.groupId) ?? []).forEach(take);
      take(entry);
    }
  }
  return order;
}
