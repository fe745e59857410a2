/**
 * Which photos (rows of the `photos` store, by sha256) local work still points at. Stores
 * nothing: it reads `inspections`, `rechecks` and `outbox` so that deleting a photo (a detach
 * before submit, the retention sweep) never removes one that something still needs.
 * Call it inside a transaction that covers those three stores.
 */
import type { CivicDatabase } from './database';
import { entriesInState } from './outbox';
import type { OutboxEntry } from './types';

export interface PhotoRefsOptions {
  /**
   * true: every local inspection and recheck counts, synced ones too (a detach keeps a photo
   * another record shows). false: only drafts and submitted-but-unsynced ones (retention).
   */
  includeSynced: boolean;
}

/** The sha256 of every photo referenced by local inspections, rechecks or unfinished outbox entries. */
export async function referencedPhotos(db: CivicDatabase, { includeSynced }: PhotoRefsOptions): Promise<Set<string>> {
  const referenced = new Set<string>();
  const inspections = includeSynced
    ? await db.inspections.toArray()
    : await db.inspections.where('status').anyOf('draft', 'submitted').toArray();
  for (const inspection of inspections) {
    for (const answer of Object.values(inspection.answers)) answer.photos.forEach((sha) => referenced.add(sha));
  }
  const rechecks = await db.rechecks.toArray();
  for (const recheck of rechecks) {
    if (includeSynced || recheck.status !== 'synced') recheck.photos.forEach((sha) => referenced.add(sha));
  }
  const unfinished = await entriesInState(db, 'pending', 'attention').toArray();
  for (const entry of unfinished) entryPhotos(entry).forEach((sha) => referenced.add(sha));
  return referenced;
}

/** The photos an outbox entry uploads or references. */
export function entryPhotos(entry: OutboxEntry): string[] {
  switch (entry.kind) {
    case 'photo':
      return [entry.thumbnailOf ?? entry.key]; // a thumbnail lives in its photo's row
    case 'inspection':
      return entry.payload.answers.flatMap((answer) => answer.photos);
    case 'recheck':
      return entry.payload.photos;
  }
}
