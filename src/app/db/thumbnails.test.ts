// A global IndexedDB as in the app.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CivicDatabase } from './database';
import {
  entriesOfGroup,
  getEntry,
  markDone,
  outboxSummary,
  pendingEntries,
  photoForUpload,
  requeuePhotos,
} from './outbox';
import { referencedPhotos } from './photo-refs';
import { pruneDoneEntries } from './retention';
import { saveBootstrap } from './session';
import { at, bootstrapFixture, bytesOf, makePhoto, submitStation, testDatabase } from './test-support';
import type { InspectionOutboxEntry, NewPhoto, PhotoOutboxEntry } from './types';

/**
 * The phone uploads the thumbnail it made of each photo as a photo of its own, through the same
 * outbox, before the inspection, and names it in the inspection's `thumbnails`: the office then
 * draws a few kB instead of a whole photo. Photos taken before thumbnails were hashed go without.
 */
let db: CivicDatabase;

beforeEach(async () => {
  db = (await testDatabase()).db;
  await saveBootstrap(db, bootstrapFixture());
});

const withThumbnails = (seed: string) => makePhoto(seed, 4096, { thumbnailHash: true });
const inspectionOf = (entries: Awaited<ReturnType<typeof submitStation>>['entries']) =>
  entries.find((entry): entry is InspectionOutboxEntry => entry.kind === 'inspection')!;
const thumbnailEntries = (entries: Awaited<ReturnType<typeof submitStation>>['entries']) =>
  entries.filter((entry): entry is PhotoOutboxEntry => entry.kind === 'photo' && entry.thumbnailOf !== undefined);

describe('thumbnails with an inspection', () => {
  let p1: NewPhoto;
  let p2: NewPhoto;
  beforeEach(async () => {
    [p1, p2] = await Promise.all([withThumbnails('p1'), withThumbnails('p2')]);
  });

  it('names each photo’s thumbnail in the inspection and queues it as a photo, before the inspection', async () => {
    const { entries } = await submitStation(db, 'S1', [p1, p2]);
    const inspection = inspectionOf(entries);
    expect(inspection.payload.thumbnails).toEqual({
      [p1.sha256]: p1.thumbnailSha256,
      [p2.sha256]: p2.thumbnailSha256,
    });
    expect(entries.map((entry) => [entry.kind, entry.key])).toEqual([
      ['photo', p1.sha256],
      ['photo', p2.sha256],
      ['photo', p1.thumbnailSha256],
      ['photo', p2.thumbnailSha256],
      ['inspection', inspection.key],
    ]);
    expect(thumbnailEntries(entries).map((entry) => [entry.thumbnailOf, entry.bytes])).toEqual([
      [p1.sha256, p1.thumbnail.size],
      [p2.sha256, p2.thumbnail.size],
    ]);
    expect((await pendingEntries(db, at(20))).map((entry) => entry.kind)).toEqual([
      'photo',
      'photo',
      'photo',
      'photo',
      'inspection',
    ]);
  });

  it('uploads a thumbnail’s own bytes, read from its photo’s row', async () => {
    await submitStation(db, 'S1', [p1]);
    const upload = (await photoForUpload(db, p1.thumbnailSha256!))!;
    expect(upload).toMatchObject({ sha256: p1.thumbnailSha256, contentType: 'image/jpeg', bytes: p1.thumbnail.size });
    expect(await bytesOf(upload.blob)).toEqual(await bytesOf(p1.thumbnail));
    expect(upload.bytes).toBeLessThan(p1.bytes);
    expect(await photoForUpload(db, 'f'.repeat(64))).toBeUndefined();
  });

  it('counts a thumbnail’s bytes in the progress but not as one more photo', async () => {
    const { id, entries } = await submitStation(db, 'S1', [p1, p2]);
    expect(thumbnailEntries(entries)).toHaveLength(2);
    const group = (await outboxSummary(db)).groups.find((candidate) => candidate.groupId === id)!;
    expect(group.photosTotal).toBe(2);
    expect(group.bytesTotal).toBe(
      p1.bytes + p2.bytes + p1.thumbnail.size + p2.thumbnail.size + inspectionOf(entries).bytes,
    );
  });

  it('finishes the thumbnails when the server accepts the inspection (it holds what it cites)', async () => {
    const { entries } = await submitStation(db, 'S1', [p1]);
    await markDone(db, [inspectionOf(entries).seq], at(20));
    expect(thumbnailEntries(entries)).toHaveLength(1);
    for (const entry of thumbnailEntries(entries))
      expect(await getEntry(db, entry.seq)).toMatchObject({ state: 'done' });
  });

  it('sends a thumbnail again on a 422 that lists it, even when its entry is gone', async () => {
    const { id, entries } = await submitStation(db, 'S1', [p1]);
    const [thumbnail] = thumbnailEntries(entries);
    await markDone(db, [inspectionOf(entries).seq], at(20));
    const again = await requeuePhotos(db, id, [p1.thumbnailSha256!], at(30));
    expect(again).toEqual({ requeued: [thumbnail!.seq], inAttention: [], missingLocally: [] });
    // Pruned since (its photo evicted, say, then the row came back): found among the group's photos.
    await db.outbox.delete(thumbnail!.seq);
    const queued = await requeuePhotos(db, id, [p1.thumbnailSha256!], at(40));
    expect(queued.requeued).toHaveLength(1);
    expect(await getEntry(db, queued.requeued[0]!)).toMatchObject({
      key: p1.thumbnailSha256,
      thumbnailOf: p1.sha256,
      state: 'pending',
    });
  });

  it('keeps the photo’s row while its thumbnail waits, and the thumbnail’s done entry while the row is stored', async () => {
    const { id, entries } = await submitStation(db, 'S1', [p1]);
    const [thumbnail] = thumbnailEntries(entries);
    await markDone(
      db,
      entries.filter((entry) => entry.seq !== thumbnail!.seq && entry.kind === 'photo').map((e) => e.seq),
      at(20),
    );
    const needed = await db.transaction('r', ['inspections', 'rechecks', 'outbox'], () =>
      referencedPhotos(db, { includeSynced: false }),
    );
    expect(needed.has(p1.sha256)).toBe(true);
    await markDone(db, [inspectionOf(entries).seq], at(30));
    expect(await pruneDoneEntries(db, { keepDays: 1, now: at(60 * 24 * 30) })).toBe(1); // the inspection's only
    expect((await entriesOfGroup(db, id)).map((entry) => entry.key)).toEqual([p1.sha256, p1.thumbnailSha256]);
  });
});

describe('photos without a thumbnail hash (taken before the app made one)', () => {
  it('go without thumbnails: nothing named, nothing more to upload', async () => {
    const old = await makePhoto('old');
    const { entries } = await submitStation(db, 'S1', [old]);
    expect(inspectionOf(entries).payload.thumbnails).toBeUndefined();
    expect(entries.map((entry) => entry.kind)).toEqual(['photo', 'inspection']);
  });
});
