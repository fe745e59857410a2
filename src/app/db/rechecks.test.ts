// @vitest-environment node
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { recheckSchema } from '../../domain/wire';
import type { CivicDatabase } from './database';
import { NotEditableError } from './errors';
import { getPhoto, photosOf } from './inspections';
import { entriesOfGroup, markDone, outboxSummary } from './outbox';
import {
  attachRecheckPhoto,
  detachRecheckPhoto,
  getRecheck,
  openRecheck,
  recheckFor,
  reviseRecheck,
  submitRecheck,
  updateVerdict,
} from './rechecks';
import { saveBootstrap } from './session';
import { at, bootstrapFixture, makePhoto, RECHECKER, testDatabase, type TestDatabase } from './test-support';
import type { RecheckOutboxEntry } from './types';

let t: TestDatabase;
let db: CivicDatabase;

beforeEach(async () => {
  t = await testDatabase();
  db = t.db;
  await saveBootstrap(db, { ...bootstrapFixture(), user: RECHECKER });
});

describe('rechecks', () => {
  it('opens one draft per rectification and autosaves across a reload', async () => {
    const draft = await openRecheck(db, 'RX1', at(0));
    expect(draft).toMatchObject({
      rectificationId: 'RX1',
      status: 'draft',
      photos: [],
      createdAt: at(0).toISOString(),
    });
    expect((await openRecheck(db, 'RX1', at(1))).id).toBe(draft.id);
    await updateVerdict(db, draft.id, { verdict: 'not_fixed', note: '仍有积尘' }, at(2));
    const reopened = await t.reopen();
    expect(await recheckFor(reopened, 'RX1')).toMatchObject({
      id: draft.id,
      verdict: 'not_fixed',
      note: '仍有积尘',
      updatedAt: at(2).toISOString(),
    });
    await expect(openRecheck(reopened, 'NOPE', at(3))).rejects.toThrow(/NOPE/);
  });

  it('says by code what is missing', async () => {
    const draft = await openRecheck(db, 'RX1', at(0));
    expect(await submitRecheck(db, draft.id, at(1))).toEqual({
      ok: false,
      problems: [{ itemId: 'T18', code: 'unanswered' }],
    });
    await updateVerdict(db, draft.id, { verdict: 'fixed' });
    expect(await submitRecheck(db, draft.id, at(2))).toEqual({
      ok: false,
      problems: [{ itemId: 'T18', code: 'photo_required' }],
    });
    expect(await db.outbox.count()).toBe(0);
    expect((await getRecheck(db, draft.id))?.status).toBe('draft');
  });

  it('a fixed verdict with its after-photo queues the photo then the recheck, once', async () => {
    const draft = await openRecheck(db, 'RX1', at(0));
    const after = await makePhoto('clean room');
    await updateVerdict(db, draft.id, { verdict: 'fixed', note: '已打扫干净' });
    await attachRecheckPhoto(db, draft.id, after, at(1));
    expect(await getPhoto(db, after.sha256)).toMatchObject({ kind: 'recheck', ownerId: draft.id, itemId: 'T18' });
    expect((await photosOf(db, draft.id)).map((p) => p.sha256)).toEqual([after.sha256]);

    expect(await submitRecheck(db, draft.id, at(5))).toEqual({ ok: true });
    expect(await submitRecheck(db, draft.id, at(6))).toEqual({ ok: true });
    const entries = await entriesOfGroup(db, draft.id);
    expect(entries.map((e) => [e.kind, e.key])).toEqual([
      ['photo', after.sha256],
      ['recheck', draft.id],
    ]);
    const { payload } = entries[1] as RecheckOutboxEntry;
    expect(payload).toEqual({
      id: draft.id,
      rectificationId: 'RX1',
      verdict: 'fixed',
      note: '已打扫干净',
      photos: [after.sha256],
      checkedAt: at(5).toISOString(),
    });
    expect(recheckSchema.safeParse(payload).success).toBe(true);
    expect(await getRecheck(db, draft.id)).toMatchObject({ status: 'submitted', checkedAt: at(5).toISOString() });
    await expect(updateVerdict(db, draft.id, { verdict: 'not_fixed' })).rejects.toBeInstanceOf(NotEditableError);
  });

  it('a not-fixed verdict needs a photo of what is still wrong; a revision is a new recheck', async () => {
    const first = await openRecheck(db, 'RX2', at(0));
    await updateVerdict(db, first.id, { verdict: 'not_fixed' });
    expect(await submitRecheck(db, first.id, at(1))).toEqual({
      ok: false,
      problems: [{ itemId: 'T16', code: 'photo_required' }],
    });
    expect(await db.outbox.count()).toBe(0);
    await attachRecheckPhoto(db, first.id, await makePhoto('still torn'), at(1));
    expect(await submitRecheck(db, first.id, at(1))).toEqual({ ok: true });
    for (const entry of await entriesOfGroup(db, first.id)) await markDone(db, [entry.seq], at(2));
    expect((await recheckFor(db, 'RX2'))?.status).toBe('synced');

    const revised = await reviseRecheck(db, first.id, at(3));
    expect(revised.id).not.toBe(first.id);
    expect(revised).toMatchObject({ rectificationId: 'RX2', verdict: 'not_fixed', status: 'draft' });
    expect(revised.checkedAt).toBeUndefined();
    expect((await recheckFor(db, 'RX2'))?.id).toBe(revised.id);
    expect((await reviseRecheck(db, first.id, at(4))).id).toBe(revised.id);
    expect((await getRecheck(db, first.id))?.status).toBe('synced');
  });

  it('the outbox names the site and the item a queued recheck is about', async () => {
    const recheck = await openRecheck(db, 'RX2', at(0));
    await updateVerdict(db, recheck.id, { verdict: 'not_fixed' });
    await attachRecheckPhoto(db, recheck.id, await makePhoto('still torn'), at(1));
    expect(await submitRecheck(db, recheck.id, at(1))).toEqual({ ok: true });
    const rectification = bootstrapFixture().rectifications.find((r) => r.id === 'RX2')!;
    const site = bootstrapFixture().sites.find((s) => s.id === rectification.siteId)!;
    expect((await outboxSummary(db, { named: true })).groups).toEqual([
      expect.objectContaining({
        groupId: recheck.id,
        kind: 'recheck',
        siteName: site.name,
        itemId: rectification.itemId,
      }),
    ]);
  });

  it('detaching an after-photo deletes it when nothing else uses it', async () => {
    const draft = await openRecheck(db, 'RX1', at(0));
    const photo = await makePhoto('blurred');
    await attachRecheckPhoto(db, draft.id, photo);
    await detachRecheckPhoto(db, draft.id, photo.sha256);
    expect((await getRecheck(db, draft.id))?.photos).toEqual([]);
    expect(await getPhoto(db, photo.sha256)).toBeUndefined();
  });
});
