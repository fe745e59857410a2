/**
 * Helpers for the database module's tests (only `*.test.ts` import this; it is never shipped):
 * an isolated fake IndexedDB per test, a bootstrap with the real 2021 rubric, and photos made of
 * real bytes with their real SHA-256. Stores nothing itself.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { RUBRIC_2021 } from '../../domain/test-fixtures';
import type { Rubric } from '../../domain/rubric';
import { sha256Hex } from '../platform/sha256';
import { CivicDatabase, type CivicDatabaseOptions } from './database';
import { attachPhoto, openInspection, submitInspection, updateAnswer } from './inspections';
import { entriesOfGroup } from './outbox';
import type { Bootstrap, NewPhoto } from './types';

export const RUBRIC: Rubric = { version: '2021', types: RUBRIC_2021 };
export const STATION = RUBRIC_2021.station;
export const INSPECTOR = { id: 'u-insp', username: 'insp', displayName: '测评员甲', role: 'inspector' as const };
export const RECHECKER = { id: 'u-rchk', username: 'rchk', displayName: '复查员乙', role: 'rechecker' as const };
export const T0 = Date.parse('2026-07-01T02:00:00.000Z');

/** `minutes` after T0. */
export const at = (minutes: number) => new Date(T0 + minutes * 60_000);

export interface TestDatabase {
  db: CivicDatabase;
  factory: IDBFactory;
  name: string;
  /** Closes this connection and opens the same database again (a reload). */
  reopen(): Promise<CivicDatabase>;
}

let counter = 0;

/** A fresh, isolated database (its own fake IndexedDB), open. */
export async function testDatabase(options: CivicDatabaseOptions = {}): Promise<TestDatabase> {
  const factory = new IDBFactory();
  const name = `civic-test-${++counter}`;
  const make = () => new CivicDatabase(name, { indexedDB: factory, IDBKeyRange, ...options });
  const state: TestDatabase = {
    db: make(),
    factory,
    name,
    async reopen() {
      state.db.close();
      state.db = make();
      await state.db.open();
      return state.db;
    },
  };
  await state.db.open();
  return state;
}

export function bootstrapFixture(): Bootstrap {
  return {
    user: INSPECTOR,
    rounds: [
      {
        id: 'R1',
        name: '2026年第一轮模拟测评',
        rubricVersion: '2021',
        rectifyBelow: 90,
        rectifyDays: 15,
        startsOn: '2026-06-20',
        endsOn: '2026-07-20',
        createdAt: '2026-06-01T00:00:00.000Z',
      },
    ],
    sites: [
      { id: 'S1', name: '东风社区实践站', type: 'station', district: '城关区', parentId: null },
      { id: 'S2', name: '西湖社区实践站', type: 'station', district: '城关区', parentId: null },
      { id: 'I1', name: '城关街道实践所', type: 'institute', district: '城关区', parentId: null },
      { id: 'S9', name: '别人的实践站', type: 'station', district: '新区', parentId: null },
    ],
    assignments: [
      { roundId: 'R1', siteId: 'S1', userId: INSPECTOR.id },
      { roundId: 'R1', siteId: 'S2', userId: INSPECTOR.id },
      { roundId: 'R1', siteId: 'I1', userId: INSPECTOR.id },
      { roundId: 'R1', siteId: 'S9', userId: 'u-other' },
    ],
    rubrics: { '2021': RUBRIC },
    rectifications: [
      {
        id: 'RX1',
        roundId: 'R1',
        siteId: 'S1',
        itemId: 'T18',
        grade: 'C',
        dueOn: '2026-07-16',
        status: 'open',
        beforePhotos: ['a'.repeat(64)],
        closedAt: null,
      },
      {
        id: 'RX2',
        roundId: 'R1',
        siteId: 'S1',
        itemId: 'T16',
        grade: 'B',
        dueOn: '2026-07-16',
        status: 'open',
        beforePhotos: ['b'.repeat(64)],
        closedAt: null,
      },
    ],
  };
}

/** A "photo": JPEG magic bytes plus seeded content, with its real sha256. */
export async function makePhoto(seed: string, size = 2048): Promise<NewPhoto> {
  const bytes = new Uint8Array(size);
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  const text = new TextEncoder().encode(seed);
  for (let i = 4; i < size - 2; i++) bytes[i] = text[i % text.length]! ^ (i & 0xff);
  bytes.set([0xff, 0xd9], size - 2);
  return {
    sha256: await sha256Hex(bytes),
    blob: new Blob([bytes], { type: 'image/jpeg' }),
    thumbnail: new Blob([bytes.slice(0, 256)], { type: 'image/jpeg' }),
    width: 1600,
    height: 1200,
    bytes: size,
    originalBytes: size * 10,
    capturedAt: new Date(T0).toISOString(),
    inspectorId: INSPECTOR.id,
    gps: { lat: 33.7, lng: 113.3, accuracy: 12 },
  };
}

/** The bytes of a Blob, to compare photos by content. */
export async function bytesOf(blob: Blob): Promise<Uint8Array> {
  return new Uint8Array(await blob.arrayBuffer());
}

/** The bytes of the stored photo `sha256`; undefined when it is not stored. */
export async function storedBytes(db: CivicDatabase, sha256: string): Promise<Uint8Array | undefined> {
  const photo = await db.photos.get(sha256);
  return photo && bytesOf(photo.blob);
}

/**
 * A submitted station inspection of `siteId` by INSPECTOR in round R1: every item A but T18,
 * which counts two dusty rooms and carries the photos when there are any. Submitted `minutes`
 * after T0; its id and its outbox entries (the photos, then the inspection).
 */
export async function submitStation(db: CivicDatabase, siteId: string, photos: NewPhoto[], minutes = 10) {
  const draft = await openInspection(db, {
    roundId: 'R1',
    siteId,
    inspectorId: INSPECTOR.id,
    rubricVersion: '2021',
    now: at(0),
  });
  for (const item of STATION.items) await updateAnswer(db, draft.id, item.id, { grade: 'A' });
  await updateAnswer(db, draft.id, 'T18', { defects: photos.length > 0 ? 2 : 0 });
  for (const photo of photos) await attachPhoto(db, draft.id, 'T18', photo);
  const submitted = await submitInspection(db, draft.id, at(minutes));
  if (!submitted.ok) throw new Error(`the test inspection did not submit: ${JSON.stringify(submitted)}`);
  return { id: draft.id, entries: await entriesOfGroup(db, draft.id) };
}
