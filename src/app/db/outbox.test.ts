// @vitest-environment node
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CivicDatabase } from './database';
import {
  amendInspection,
  attachPhoto,
  getInspection,
  openInspection,
  submitInspection,
  updateAnswer,
} from './inspections';
import {
  entriesOfGroup,
  getEntry,
  lastSyncAt,
  markAttention,
  markDone,
  markRetry,
  nextAttemptAt,
  outboxSummary,
  pendingEntries,
  photoConfirmedAt,
  photoForUpload,
  requeuePhotos,
  retryGroup,
  setLastSyncAt,
  wakePending,
} from './outbox';
import { attachRecheckPhoto, getRecheck, openRecheck, submitRecheck, updateVerdict } from './rechecks';
import { saveBootstrap } from './session';
import { at, bootstrapFixture, INSPECTOR, makePhoto, submitStation, testDatabase } from './test-support';
import type { NewPhoto } from './types';

let db: CivicDatabase;

beforeEach(async () => {
  db = (await testDatabase()).db;
  await saveBootstrap(db, bootstrapFixture());
});

/** A submitted station inspection of `siteId` with the given photos on T18 (graded C). */
const submitted = (siteId: string, photos: NewPhoto[], minutes = 10) => submitStation(db, siteId, photos, minutes);

describe('markDone', () => {
  it('marks a photo done (the server holds it), then flips the inspection to synced', async () => {
    const [p1, p2] = await Promise.all([makePhoto('p1'), makePhoto('p2')]);
    const { id, entries } = await submitted('S1', [p1, p2]);
    const [e1, e2, inspection] = entries;
    // Photo rows hold Blobs: confirming never rewrites them (schema v4).
    let photoWrites = 0;
    const countWrite = () => void (photoWrites += 1);
    db.photos.hook('creating', countWrite);
    db.photos.hook('updating', countWrite);

    await markDone(db, [e1!.seq], at(20));
    expect(await getEntry(db, e1!.seq)).toMatchObject({ state: 'done', doneAt: at(20).toISOString() });
    expect(await getEntry(db, e2!.seq)).toMatchObject({ state: 'pending' });
    expect(await photoConfirmedAt(db, p1.sha256)).toBe(at(20).toISOString());
    expect(await photoConfirmedAt(db, p2.sha256)).toBeUndefined();
    expect((await getInspection(db, id))?.status).toBe('submitted');

    await markDone(db, [e2!.seq, inspection!.seq], at(22)); // several answers, one write
    expect((await getInspection(db, id))?.status).toBe('synced');
    expect((await entriesOfGroup(db, id)).map((entry) => entry.state)).toEqual(['done', 'done', 'done']);
    expect(await photoConfirmedAt(db, p1.sha256)).toBe(at(20).toISOString());
    expect(await photoConfirmedAt(db, p2.sha256)).toBe(at(22).toISOString());
    expect(photoWrites).toBe(0);
    db.photos.hook('creating').unsubscribe(countWrite);
    db.photos.hook('updating').unsubscribe(countWrite);

    await markDone(db, [inspection!.seq], at(30)); // idempotent
    expect(await getEntry(db, inspection!.seq)).toMatchObject({ doneAt: at(22).toISOString() });
  });

  it('an accepted inspection confirms its photos too (the server holds them all)', async () => {
    const [p1] = await Promise.all([makePhoto('p1')]);
    const { id, entries } = await submitted('S1', [p1]);
    await markDone(db, [entries[1]!.seq], at(20));
    expect(await getEntry(db, entries[0]!.seq)).toMatchObject({ state: 'done' });
    expect(await photoConfirmedAt(db, p1.sha256)).toBe(at(20).toISOString());
    expect((await getInspection(db, id))?.status).toBe('synced');
  });

  it('keeps the score the server answered with on the entry and the synced inspection, until amended', async () => {
    const { id, entries } = await submitted('S1', []);
    const [entry] = entries;
    await markDone(db, [entry!.seq], at(20), new Map([[entry!.seq, { score: 97.5, fullMarks: false }]]));
    expect(await getEntry(db, entry!.seq)).toMatchObject({
      state: 'done',
      serverScore: { score: 97.5, fullMarks: false },
    });
    expect(await getInspection(db, id)).toMatchObject({
      status: 'synced',
      serverScore: { score: 97.5, fullMarks: false },
    });
    // An amendment is a new revision: the old score is not its score.
    expect((await amendInspection(db, id, at(25))).serverScore).toBeUndefined();
    await submitInspection(db, id, at(30));
    const [, second] = await entriesOfGroup(db, id);
    await markDone(db, [second!.seq], at(35)); // an answer without a score
    expect(await getInspection(db, id)).toMatchObject({ status: 'synced', revision: 2 });
    expect((await getInspection(db, id))?.serverScore).toBeUndefined();
  });

  it('leaves an amended draft alone when an earlier revision is confirmed', async () => {
    const { id, entries } = await submitted('S1', []);
    await amendInspection(db, id, at(15));
    await markDone(db, [entries[0]!.seq], at(20));
    expect(await getInspection(db, id)).toMatchObject({ status: 'draft', revision: 2 });
    await submitInspection(db, id, at(25));
    const [, second] = await entriesOfGroup(db, id);
    await markDone(db, [second!.seq], at(30));
    expect(await getInspection(db, id)).toMatchObject({ status: 'synced', revision: 2 });
  });

  it('finishes the photos of a submission wherever they were queued, and many submissions in one call', async () => {
    const [p1, p2] = await Promise.all([makePhoto('p1'), makePhoto('p2')]);
    const { id, entries } = await submitted('S1', [p1]);
    await amendInspection(db, id, at(15));
    await attachPhoto(db, id, 'T18', p2);
    await submitInspection(db, id, at(16));
    const other = await submitted('S2', []);
    const [p1Entry, first, p2Entry, second] = await entriesOfGroup(db, id);
    expect([p1Entry, first].map((entry) => entry!.seq)).toEqual(entries.map((entry) => entry.seq));

    // Revision 2 alone: its photos are p1 (queued with revision 1) and p2 (just before it).
    await markDone(db, [second!.seq], at(20));
    expect((await entriesOfGroup(db, id)).map((entry) => entry.state)).toEqual(['done', 'pending', 'done', 'done']);
    expect(await photoConfirmedAt(db, p1.sha256)).toBe(at(20).toISOString());
    expect(await getInspection(db, id)).toMatchObject({ status: 'synced', revision: 2 });

    // Answers to entries of different submissions, in one call.
    await markDone(db, [first!.seq, other.entries[0]!.seq], at(21));
    expect(await getEntry(db, first!.seq)).toMatchObject({ state: 'done', doneAt: at(21).toISOString() });
    expect((await getInspection(db, other.id))?.status).toBe('synced');
    expect(p2Entry?.key).toBe(p2.sha256);
  });

  it('flips a recheck to synced', async () => {
    const recheck = await openRecheck(db, 'RX1', at(0));
    await updateVerdict(db, recheck.id, { verdict: 'fixed' });
    await attachRecheckPhoto(db, recheck.id, await makePhoto('after'));
    await submitRecheck(db, recheck.id, at(5));
    const [photo, verdict] = await entriesOfGroup(db, recheck.id);
    await markDone(db, [photo!.seq], at(6));
    expect((await getRecheck(db, recheck.id))?.status).toBe('submitted');
    await markDone(db, [verdict!.seq], at(7));
    expect((await getRecheck(db, recheck.id))?.status).toBe('synced');
  });

  it('rejects an unknown entry, and records none of the others given with it', async () => {
    const { entries } = await submitted('S1', []);
    await expect(markDone(db, [entries[0]!.seq, 999], at(1))).rejects.toThrow(/999/);
    expect(await getEntry(db, entries[0]!.seq)).toMatchObject({ state: 'pending' });
  });
});

describe('pendingEntries', () => {
  it('gives due entries in queue order, photos before their inspection', async () => {
    const a = await submitted('S1', [await makePhoto('a1'), await makePhoto('a2')], 10);
    const b = await submitted('S2', [await makePhoto('b1')], 11);
    expect((await pendingEntries(db, at(5))).map((e) => e.seq)).toEqual([]); // none due yet
    expect((await pendingEntries(db, at(10))).map((e) => e.seq)).toEqual(a.entries.map((e) => e.seq));
    expect((await pendingEntries(db, at(11))).map((e) => e.seq)).toEqual(
      [...a.entries, ...b.entries].map((e) => e.seq),
    );
    expect(await nextAttemptAt(db)).toBe(at(10).toISOString());
  });

  it('holds an inspection back while one of its photos waits for a retry', async () => {
    const a = await submitted('S1', [await makePhoto('a1'), await makePhoto('a2')], 10);
    const [photo1, photo2, inspection] = a.entries;
    await markDone(db, [photo1!.seq], at(11));
    await markRetry(db, photo2!.seq, { nextAttemptAt: at(20), error: { message: 'network' } });
    expect(await getEntry(db, photo2!.seq)).toMatchObject({
      attempts: 1,
      state: 'pending',
      nextAttemptAt: at(20).toISOString(),
      lastError: { message: 'network' },
    });
    expect(await pendingEntries(db, at(12))).toEqual([]);
    expect((await pendingEntries(db, at(20))).map((e) => e.seq)).toEqual([photo2!.seq, inspection!.seq]);

    await wakePending(db, at(13));
    expect((await pendingEntries(db, at(13))).map((e) => e.seq)).toEqual([photo2!.seq, inspection!.seq]);
  });

  it('never lets a later revision overtake an earlier one that waits for a retry', async () => {
    const first = await submitted('S1', [], 10);
    await amendInspection(db, first.id, at(11));
    await updateAnswer(db, first.id, 'T01', { note: '标牌已更换' }, at(12));
    expect(await submitInspection(db, first.id, at(13))).toMatchObject({ ok: true, revision: 2 });
    const [revision1, revision2] = await entriesOfGroup(db, first.id);
    expect([revision1!.key, revision2!.key]).toEqual([`${first.id}@1`, `${first.id}@2`]);
    await markRetry(db, revision1!.seq, { nextAttemptAt: at(30), error: { message: 'network' } });

    expect(await pendingEntries(db, at(20))).toEqual([]); // revision 2 is due, but waits for 1
    expect((await pendingEntries(db, at(30))).map((e) => e.seq)).toEqual([revision1!.seq, revision2!.seq]);
  });

  it('never holds an earlier revision behind a later one that waits for a retry', async () => {
    const first = await submitted('S1', [], 10);
    await amendInspection(db, first.id, at(11));
    await updateAnswer(db, first.id, 'T01', { note: '标牌已更换' }, at(12));
    expect(await submitInspection(db, first.id, at(13))).toMatchObject({ ok: true, revision: 2 });
    const [revision1, revision2] = await entriesOfGroup(db, first.id);
    // Revision 1 was set aside (409) and revision 2 went on and failed; then the inspector
    // pressed "retry" on revision 1.
    await markAttention(db, revision1!.seq, { status: 409, code: 'conflict', message: '内容不同' });
    await markRetry(db, revision2!.seq, { nextAttemptAt: at(30), error: { message: 'network' } });
    expect(await retryGroup(db, first.id, at(20))).toBe(1);

    expect((await pendingEntries(db, at(20))).map((e) => e.seq)).toEqual([revision1!.seq]);
    expect((await pendingEntries(db, at(30))).map((e) => e.seq)).toEqual([revision1!.seq, revision2!.seq]);
  });

  it('never lets an entry needing attention block the others', async () => {
    const a = await submitted('S1', [], 10);
    const b = await submitted('S2', [], 11);
    await markAttention(db, a.entries[0]!.seq, {
      status: 409,
      code: 'conflict',
      message: '同一编号和版本已有不同内容。',
    });
    expect((await pendingEntries(db, at(12))).map((e) => e.seq)).toEqual([b.entries[0]!.seq]);
    expect(await getEntry(db, a.entries[0]!.seq)).toMatchObject({ state: 'attention', attempts: 1 });

    expect(await retryGroup(db, a.id, at(13))).toBe(1);
    expect((await pendingEntries(db, at(13))).map((e) => e.seq)).toEqual([a.entries[0]!.seq, b.entries[0]!.seq]);
  });
});

describe('a late failure', () => {
  it('does not reopen an entry the server already confirmed (a closed tab answering after the fact)', async () => {
    const a = await submitted('S1', [], 10);
    const [inspection] = a.entries;
    await markDone(db, [inspection!.seq], at(11));
    const done = await getEntry(db, inspection!.seq);
    expect(done).toMatchObject({ state: 'done' });

    await markRetry(db, inspection!.seq, { nextAttemptAt: at(20), error: { message: 'network' } });
    await markAttention(db, inspection!.seq, { status: 409, code: 'conflict', message: '内容不同' });
    expect(await getEntry(db, inspection!.seq)).toEqual(done);
    expect(await pendingEntries(db, at(30))).toEqual([]);
  });
});

describe('requeuePhotos (422 missing_photos)', () => {
  it('reopens a done photo, queues a stored one, and reports what cannot be sent', async () => {
    const [p1, p2, loose] = await Promise.all([makePhoto('p1'), makePhoto('p2'), makePhoto('loose')]);
    const { id, entries } = await submitted('S1', [p1, p2]);
    const [e1, e2, inspection] = entries;
    await markDone(db, [e1!.seq], at(11));
    await markAttention(db, e2!.seq, { status: 415, code: 'unsupported_media_type', message: 'not a JPEG' });
    // A photo stored on the device but never queued (attached to a draft elsewhere).
    const other = await openInspection(db, {
      roundId: 'R1',
      siteId: 'S2',
      inspectorId: INSPECTOR.id,
      rubricVersion: '2021',
      now: at(0),
    });
    await attachPhoto(db, other.id, 'T18', loose);
    const gone = 'f'.repeat(64);

    const result = await requeuePhotos(db, id, [p1.sha256, p2.sha256, loose.sha256, gone], at(12));
    expect(result.inAttention).toEqual([p2.sha256]);
    expect(result.missingLocally).toEqual([gone]);
    expect(result.requeued).toHaveLength(2);
    expect(result.requeued[0]).toBe(e1!.seq);
    expect(await getEntry(db, e1!.seq)).toMatchObject({ state: 'pending', nextAttemptAt: at(12).toISOString() });
    expect(await photoConfirmedAt(db, p1.sha256)).toBeUndefined();

    // The photos go before the inspection, even the one queued after it.
    await markRetry(db, inspection!.seq, {
      nextAttemptAt: at(12),
      error: { status: 422, code: 'missing_photos', message: '缺照片' },
    });
    const due = await pendingEntries(db, at(12));
    expect(due.map((e) => e.key)).toEqual([p1.sha256, loose.sha256, `${id}@1`]);
    expect(due[1]?.groupId).toBe(id);
  });
});

describe('outboxSummary', () => {
  it('counts entries and bytes per submission', async () => {
    const [p1, p2] = await Promise.all([makePhoto('p1', 1000), makePhoto('p2', 3000)]);
    const a = await submitted('S1', [p1, p2]);
    const b = await submitted('S2', []);
    await markDone(db, [a.entries[0]!.seq], at(20));
    await markAttention(db, b.entries[0]!.seq, { status: 403, code: 'forbidden', message: '您的账号无权进行此操作。' });
    const jsonA = a.entries[2]!.bytes;
    const jsonB = b.entries[0]!.bytes;
    expect(jsonA).toBeGreaterThan(500);

    const summary = await outboxSummary(db, { named: true });
    expect(summary).toMatchObject({ pending: 2, attention: 1, done: 1, bytesPending: 3000 + jsonA + jsonB });
    expect(summary.groups).toEqual([
      {
        groupId: a.id,
        kind: 'inspection',
        revision: 1,
        state: 'pending',
        photosDone: 1,
        photosTotal: 2,
        bytesDone: 1000,
        bytesTotal: 4000 + jsonA,
        createdAt: at(10).toISOString(),
        siteName: '东风社区实践站',
      },
      {
        groupId: b.id,
        kind: 'inspection',
        revision: 1,
        state: 'attention',
        photosDone: 0,
        photosTotal: 0,
        bytesDone: 0,
        bytesTotal: jsonB,
        lastError: { status: 403, code: 'forbidden', message: '您的账号无权进行此操作。' },
        createdAt: at(10).toISOString(),
        siteName: '西湖社区实践站',
      },
    ]);
  });
});

describe('the rest of the store side', () => {
  it('hands out the photo bytes to upload', async () => {
    const photo = await makePhoto('upload');
    await submitted('S1', [photo]);
    const upload = await photoForUpload(db, photo.sha256);
    expect(upload).toMatchObject({ sha256: photo.sha256, contentType: 'image/jpeg', bytes: photo.bytes });
    expect(new Uint8Array(await upload!.blob.arrayBuffer())).toEqual(new Uint8Array(await photo.blob.arrayBuffer()));
    expect(await photoForUpload(db, 'e'.repeat(64))).toBeUndefined();
  });

  it('remembers the last sync', async () => {
    expect(await lastSyncAt(db)).toBeUndefined();
    await setLastSyncAt(db, at(42));
    expect(await lastSyncAt(db)).toBe(at(42).toISOString());
  });
});
