/**
 * Progress of one submission with its photos, counted over every entry of its group in the
 * outbox (done ones included), and what one delivered entry adds to it. Thumbnails travel like
 * photos and count in bytes, not in the photo count people see.
 */
import type { EntryRef, GroupProgress } from './engine-types';
import type { SyncEntry } from './sync-store';

export function countGroupProgress(groupId: string, entries: readonly SyncEntry[]): GroupProgress {
  const progress: GroupProgress = { groupId, photosDone: 0, photosTotal: 0, bytesDone: 0, bytesTotal: 0 };
  for (const entry of entries) {
    const bytes = entryBytes(entry);
    progress.bytesTotal += bytes;
    if (entry.state === 'done') progress.bytesDone += bytes;
    if (entry.kind !== 'photo') progress.kind = entry.kind;
    else if (!entry.thumbnailOf) {
      progress.photosTotal += 1;
      if (entry.state === 'done') progress.photosDone += 1;
    }
  }
  return progress;
}

/** An entry the server now has (201 or 200). */
export function addDelivered(progress: GroupProgress, entry: SyncEntry): void {
  progress.bytesDone += entryBytes(entry);
  if (entry.kind === 'photo' && !entry.thumbnailOf && entry.state !== 'done')
    progress.photosDone = Math.min(progress.photosTotal, progress.photosDone + 1);
}

export function entryRef(entry: SyncEntry): EntryRef {
  return { seq: entry.seq, kind: entry.kind, key: entry.key, groupId: entry.groupId, bytes: entryBytes(entry) };
}

export function entryBytes(entry: SyncEntry): number {
  if (entry.bytes !== undefined) return entry.bytes;
  return entry.kind === 'photo' ? 0 : new TextEncoder().encode(JSON.stringify(entry.payload)).length;
}
