// @vitest-environment node
import 'fake-indexeddb/auto';
import Dexie, { type DBCore, type DBCoreMutateRequest } from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SCHEMA_V2 } from './schema';
import { CivicDatabase, isQuotaError, openCivicDatabase, StorageFullError, withStorageGuard } from './database';
import { attachPhoto, getInspection, getPhoto, openInspection, submitInspection, updateAnswer } from './inspections';
import { saveBootstrap } from './session';
import {
  at,
  bootstrapFixture,
  bytesOf,
  INSPECTOR,
  makePhoto,
  STATION,
  storedBytes,
  testDatabase,
} from './test-support';

const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

afterEach(() => {
  vi.restoreAllMocks();
});

async function withDraft(db: CivicDatabase) {
  await saveBootstrap(db, bootstrapFixture());
  return openInspection(db, {
    roundId: 'R1',
    siteId: 'S1',
    inspectorId: INSPECTOR.id,
    rubricVersion: '2021',
    now: at(0),
  });
}

describe('isQuotaError', () => {
  it('recognises a QuotaExceededError directly or wrapped (Dexie #776)', () => {
    expect(isQuotaError(quota())).toBe(true);
    expect(isQuotaError(new Dexie.QuotaExceededError('full'))).toBe(true);
    expect(isQuotaError(new Dexie.AbortError('Transaction aborted', quota()))).toBe(true);
    expect(isQuotaError({ name: 'AbortError', inner: { name: 'UnknownError', inner: quota() } })).toBe(true);
    expect(isQuotaError(new Dexie.BulkError('1 of 2 failed', [quota()]))).toBe(true);
    expect(isQuotaError(new Error('write failed', { cause: quota() }))).toBe(true);
    expect(isQuotaError(new DOMException('legacy', 'NS_ERROR_DOM_QUOTA_REACHED'))).toBe(true);
  });

  it('says no to everything else', () => {
    expect(isQuotaError(new DOMException('aborted', 'AbortError'))).toBe(false);
    expect(isQuotaError(new Dexie.AbortError('Transaction aborted'))).toBe(false);
    expect(isQuotaError(new Dexie.ConstraintError('duplicate'))).toBe(false);
    expect(isQuotaError(new Error('QuotaExceededError'))).toBe(false);
    expect(isQuotaError(null)).toBe(false);
    expect(isQuotaError('QuotaExceededError')).toBe(false);
  });

  it('withStorageGuard turns quota errors into StorageFullError and passes the rest', async () => {
    const error = await withStorageGuard(() => Promise.reject(quota())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageFullError);
    expect((error as StorageFullError).cause).toBeInstanceOf(DOMException);
    const other = new TypeError('bug');
    await expect(withStorageGuard(() => Promise.reject(other))).rejects.toBe(other);
    await expect(withStorageGuard(() => Promise.resolve(7))).resolves.toBe(7);
  });
});

describe('a full disk', () => {
  const variants = {
    'a QuotaExceededError': quota,
    'an AbortError whose inner is the QuotaExceededError': () => new Dexie.AbortError('Transaction aborted', quota()),
  };

  for (const [label, makeError] of Object.entries(variants)) {
    it(`${label} in a write becomes StorageFullError, and what was saved before is intact`, async () => {
      const { db } = await testDatabase();
      const draft = await withDraft(db);
      await updateAnswer(db, draft.id, 'T01', { grade: 'A' }, at(1));
      await updateAnswer(db, draft.id, 'T02', { grade: 'C#', note: '无导视图' }, at(2));
      const saved = await getInspection(db, draft.id);

      const put = vi.spyOn(db.inspections, 'put').mockImplementation(() => Promise.reject(makeError()) as never);
      const error = await updateAnswer(db, draft.id, 'T03', { grade: 'B' }, at(3)).catch((e: unknown) => e);
      expect(put).toHaveBeenCalled();
      expect(error).toBeInstanceOf(StorageFullError);
      put.mockRestore();

      expect(await getInspection(db, draft.id)).toEqual(saved);
      // Space freed: the same change goes through.
      await updateAnswer(db, draft.id, 'T03', { grade: 'B' }, at(4));
      expect((await getInspection(db, draft.id))?.answers.T03).toEqual({ grade: 'B', photos: [] });
    });
  }

  it('a disk that fills up mid-work: photo and submit fail whole, nothing half-written', async () => {
    // Every IndexedDB write request fails while `full` is set, below Dexie (DBCore middleware).
    let full = false;
    const db = new CivicDatabase('full-disk', { indexedDB: new IDBFactory(), IDBKeyRange });
    db.use({
      stack: 'dbcore',
      name: 'full-disk',
      create: (down: DBCore): DBCore => ({
        ...down,
        table: (name) => {
          const table = down.table(name);
          return {
            ...table,
            mutate: (request: DBCoreMutateRequest) =>
              full ? Promise.reject(new Dexie.AbortError('Transaction aborted', quota())) : table.mutate(request),
          };
        },
      }),
    });
    await db.open();
    const draft = await withDraft(db);
    for (const item of STATION.items) await updateAnswer(db, draft.id, item.id, { grade: 'A' });
    await updateAnswer(db, draft.id, 'T18', { defects: 1 });
    const first = await makePhoto('first');
    await attachPhoto(db, draft.id, 'T18', first);
    const saved = await getInspection(db, draft.id);

    full = true;
    const second = await makePhoto('second');
    await expect(attachPhoto(db, draft.id, 'T18', second)).rejects.toBeInstanceOf(StorageFullError);
    await expect(submitInspection(db, draft.id, at(5))).rejects.toBeInstanceOf(StorageFullError);
    expect(await getInspection(db, draft.id)).toEqual(saved);
    expect(await getPhoto(db, second.sha256)).toBeUndefined();
    expect(await storedBytes(db, first.sha256)).toEqual(await bytesOf(first.blob));
    expect(await db.outbox.count()).toBe(0);

    full = false;
    expect(await submitInspection(db, draft.id, at(6))).toEqual({ ok: true, revision: 1 });
    expect(await db.outbox.count()).toBe(2);
    db.close();
  });
});

describe('a lost connection (iOS, Dexie #2008)', () => {
  it('reopens by itself when the browser closes the connection', async () => {
    const { db } = await testDatabase();
    const draft = await withDraft(db);
    await updateAnswer(db, draft.id, 'T01', { grade: 'A' });
    const lost = db.backendDB();
    lost.close();
    lost.onclose?.call(lost, new Event('close'));
    await vi.waitFor(() => expect(db.isOpen() && db.backendDB() !== lost).toBe(true));
    await updateAnswer(db, draft.id, 'T02', { grade: 'A' });
    expect(Object.keys((await getInspection(db, draft.id))!.answers)).toEqual(['T01', 'T02']);
  });

  it('a write whose transaction failed because the connection went is run again on a new one', async () => {
    const { db } = await testDatabase();
    const draft = await withDraft(db);
    const put = db.inspections.put.bind(db.inspections);
    const spy = vi
      .spyOn(db.inspections, 'put')
      .mockImplementationOnce(
        () =>
          Promise.reject(
            new DOMException(
              'Connection to Indexed Database server lost. Refresh the page to try again',
              'UnknownError',
            ),
          ) as never,
      )
      .mockImplementation(put);
    await updateAnswer(db, draft.id, 'T01', { grade: 'A' });
    expect(spy).toHaveBeenCalledTimes(2);
    expect((await getInspection(db, draft.id))?.answers.T01).toEqual({ grade: 'A', photos: [] });
  });

  it('a connection dropped without a close event is replaced at the next write', async () => {
    const { db } = await testDatabase();
    const draft = await withDraft(db);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    db.backendDB().close();
    await updateAnswer(db, draft.id, 'T01', { grade: 'A' });
    expect((await getInspection(db, draft.id))?.answers.T01).toEqual({ grade: 'A', photos: [] });
  });

  it('stays closed when the app closed it', async () => {
    const { db } = await testDatabase();
    const draft = await withDraft(db);
    db.close();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(db.isOpen()).toBe(false);
    await expect(updateAnswer(db, draft.id, 'T01', { grade: 'A' })).rejects.toThrow(/closed/i);
  });
});

describe('a newer schema in another tab', () => {
  it('closes this connection for good and says so, instead of blocking the upgrade', async () => {
    const onVersionChange = vi.fn();
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const t = await testDatabase({ onVersionChange });
    const newer = new Dexie(t.name, { indexedDB: t.factory, IDBKeyRange });
    newer.version(2).stores(SCHEMA_V2);
    newer.version(3).stores({ ...SCHEMA_V2, drafts2: 'id' });
    await newer.open();
    expect(onVersionChange).toHaveBeenCalledOnce();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(t.db.isOpen()).toBe(false);
    expect(t.db.mayReopen).toBe(false);
    newer.close();
  });
});

describe('openCivicDatabase', () => {
  it('opens the database under the given name', async () => {
    const db = await openCivicDatabase('named', { indexedDB: new IDBFactory(), IDBKeyRange });
    expect(db.isOpen()).toBe(true);
    expect(db.name).toBe('named');
    db.close();
  });
});
