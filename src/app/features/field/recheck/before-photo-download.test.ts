// @vitest-environment node
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiRequestError, NetworkError } from '../../../api/api-client';
import { beforePhotoStats, getBeforePhoto, getBeforePhotos } from '../../../db/before-photos';
import type { CivicDatabase } from '../../../db/database';
import { saveBootstrap } from '../../../db/session';
import { at, bootstrapFixture, makePhoto, RECHECKER, testDatabase } from '../../../db/test-support';
import type { NewPhoto, Rectification } from '../../../db/types';
import { sha256Hex } from '../../../platform/sha256';
import { beforePhotoOrder, downloadBeforePhotos } from './before-photo-download';

const SIZE = 2048;
let db: CivicDatabase;
let photos: NewPhoto[];
let server: Map<string, Blob>;
let getPhoto: ReturnType<typeof vi.fn<(sha256: string) => Promise<Blob>>>;

const rect = (id: string, dueOn: string, beforePhotos: string[], status: Rectification['status'] = 'open') => ({
  id,
  roundId: 'R1',
  siteId: 'S1',
  itemId: `T${id.slice(-2)}`,
  grade: 'C#' as const,
  dueOn,
  status,
  beforePhotos,
  closedAt: null,
});

async function withRectifications(rectifications: Rectification[]) {
  await saveBootstrap(db, { ...bootstrapFixture(), user: RECHECKER, rectifications });
}

/** A thumbnail stand-in: the first 100 bytes. */
const thumbnail = async (blob: Blob) => new Blob([await blob.slice(0, 100).arrayBuffer()], { type: 'image/jpeg' });

const run = (budgetBytes = 50 * 1024 * 1024) =>
  downloadBeforePhotos(db, { getPhoto }, { budgetBytes, thumbnail, now: () => at(5) });

beforeEach(async () => {
  db = (await testDatabase()).db;
  photos = await Promise.all(['p0', 'p1', 'p2', 'p3', 'p4'].map((seed) => makePhoto(seed, SIZE)));
  server = new Map(photos.map((photo) => [photo.sha256, photo.blob]));
  getPhoto = vi.fn(async (sha256: string) => {
    const blob = server.get(sha256);
    if (!blob) throw new ApiRequestError(403, 'forbidden', '您无权查看这张照片', {}, undefined);
    return blob;
  });
  const [p0, p1, p2, p3, p4] = photos.map((photo) => photo.sha256) as [string, string, string, string, string];
  await withRectifications([
    rect('X01', '2021-07-20', [p0]),
    rect('X02', '2021-08-03', [p1, p2]),
    rect('X03', '2021-07-25', [p3, p1]),
    rect('X04', '2021-08-10', [p4], 'closed'),
  ]);
});

describe('beforePhotoOrder', () => {
  it('takes the open rectifications, newest due date first, each photo once', async () => {
    const [p0, p1, p2, p3] = photos.map((photo) => photo.sha256);
    expect(beforePhotoOrder(await db.rectifications.toArray())).toEqual([p1, p2, p3, p0]);
  });

  it('adds the responsible unit’s after-photos of its latest answer, right after the item’s before-photos', () => {
    const answer = { id: 'A1', action: '已整改', note: null, answeredAt: '2021-07-10T02:00:00Z' };
    const order = beforePhotoOrder([
      { ...rect('R01', '2021-07-20', ['b1']), unitAnswer: { ...answer, photos: ['u1', 'b1'] } },
      { ...rect('R02', '2021-07-25', ['b2']), unitAnswer: { ...answer, photos: ['u2'] } },
      { ...rect('R03', '2021-07-30', ['b3'], 'closed'), unitAnswer: { ...answer, photos: ['u3'] } },
    ]);
    expect(order).toEqual(['b2', 'u2', 'b1', 'u1']);
  });
});

describe('downloading before-photos', () => {
  it('stores a thumbnail of each and the full photos, through the API client, once', async () => {
    const result = await run();
    expect(result).toEqual({ total: 4, downloaded: 4, stored: 4, full: 4, failed: 0, offline: false, pruned: 0 });
    expect(getPhoto.mock.calls.map(([sha]) => sha)).toEqual(beforePhotoOrder(await db.rectifications.toArray()));
    const stored = (await getBeforePhoto(db, photos[1]!.sha256))!;
    expect(stored).toMatchObject({ bytes: SIZE, contentType: 'image/jpeg', fetchedAt: at(5).toISOString() });
    expect(await sha256Hex(stored.blob!)).toBe(photos[1]!.sha256);
    expect(stored.thumbnail.size).toBe(100);
    // The closed rectification's photo is not downloaded.
    expect(await getBeforePhoto(db, photos[4]!.sha256)).toBeUndefined();
    expect(await beforePhotoStats(db)).toEqual({
      photos: 4,
      full: 4,
      fullBytes: 4 * SIZE,
      storedBytes: 4 * (SIZE + 100),
    });

    // A second run finds everything there and asks the server for nothing.
    getPhoto.mockClear();
    expect(await run()).toMatchObject({ downloaded: 0, stored: 4, full: 4 });
    expect(getPhoto).not.toHaveBeenCalled();
  });

  it('keeps full photos within the budget, newest due first, thumbnails for the rest', async () => {
    const result = await run(2 * SIZE + 10);
    expect(result).toMatchObject({ downloaded: 4, stored: 4, full: 2 });
    const [p0, p1, p2, p3] = photos.map((photo) => photo.sha256);
    const kept = await getBeforePhotos(db, [p1!, p2!, p3!, p0!]);
    expect(kept.map((photo) => photo.blob !== undefined)).toEqual([true, true, false, false]);
    expect(kept.every((photo) => photo.thumbnail.size === 100 && photo.bytes === SIZE)).toBe(true);
    expect((await beforePhotoStats(db)).fullBytes).toBe(2 * SIZE);

    // A bigger budget later fetches the full photos it now has room for …
    getPhoto.mockClear();
    expect(await run(3 * SIZE + 10)).toMatchObject({ downloaded: 1, full: 3 });
    expect(getPhoto.mock.calls.map(([sha]) => sha)).toEqual([p3]);
    // … a smaller one drops full photos (keeping their thumbnails) without any download.
    getPhoto.mockClear();
    expect(await run(SIZE + 10)).toMatchObject({ downloaded: 0, stored: 4, full: 1 });
    expect(getPhoto).not.toHaveBeenCalled();
    expect((await getBeforePhotos(db, [p1!, p2!, p3!, p0!])).map((photo) => photo.blob !== undefined)).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });

  it('deletes the photos no open rectification needs any more', async () => {
    await run();
    const [p0, p1, p2, p3] = photos.map((photo) => photo.sha256) as [string, string, string, string];
    await withRectifications([rect('X01', '2021-07-20', [p0], 'closed'), rect('X03', '2021-07-25', [p3, p1])]);
    expect(await run()).toMatchObject({ total: 2, pruned: 2, stored: 2, downloaded: 0 });
    expect(await getBeforePhoto(db, p0)).toBeUndefined();
    expect(await getBeforePhoto(db, p2)).toBeUndefined();
    // Both kept with their full photo, not only the thumbnail (`bytes` stays either way).
    expect(
      (await getBeforePhotos(db, [p0, p1, p2, p3])).map((photo) => [photo.sha256, photo.bytes, photo.blob?.size]),
    ).toEqual([
      [p1, SIZE, SIZE],
      [p3, SIZE, SIZE],
    ]);
  });

  it('stops at the first network failure and keeps what it got; the next run goes on', async () => {
    let calls = 0;
    getPhoto.mockImplementation(async (sha256: string) => {
      if (++calls > 1) throw new NetworkError('无法连接服务器', false);
      return server.get(sha256)!;
    });
    expect(await run()).toMatchObject({ total: 4, downloaded: 1, stored: 1, offline: true });
    expect(getPhoto).toHaveBeenCalledTimes(2);

    getPhoto.mockImplementation(async (sha256: string) => server.get(sha256)!);
    expect(await run()).toMatchObject({ downloaded: 3, stored: 4, offline: false });
  });

  it('a server that is down counts as offline; a refused photo is skipped and counted', async () => {
    getPhoto.mockImplementationOnce(async () => {
      throw new ApiRequestError(503, 'unavailable', '服务器暂时不可用', {}, undefined);
    });
    expect(await run()).toMatchObject({ downloaded: 0, offline: true });

    server.delete(photos[2]!.sha256);
    expect(await run()).toMatchObject({ total: 4, downloaded: 3, stored: 3, failed: 1, offline: false });
  });

  it('bytes that do not match their hash are not stored', async () => {
    server.set(photos[1]!.sha256, photos[0]!.blob);
    expect(await run()).toMatchObject({ downloaded: 3, failed: 1 });
    expect(await getBeforePhoto(db, photos[1]!.sha256)).toBeUndefined();
  });

  it('keeps the photo itself as thumbnail when no thumbnail can be made', async () => {
    await downloadBeforePhotos(
      db,
      { getPhoto },
      { thumbnail: () => Promise.reject(new Error('no OffscreenCanvas')), now: () => at(5) },
    );
    expect((await getBeforePhoto(db, photos[0]!.sha256))!.thumbnail.size).toBe(SIZE);
  });
});
