// @vitest-environment happy-dom
/**
 * One voice for messages: the lower layers (sync engine, database, photo worker) record codes
 * with data, and the screens word them in the chosen language — so a local code such as
 * `photo_missing_locally` reads in English in English mode, and in Chinese in Chinese mode.
 */
import 'fake-indexeddb/auto';
import { cleanup, render, screen } from '@testing-library/react';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CivicDatabase, StorageFullError } from '../../../db/database';
import { entriesOfGroup, markAttention, markRetry } from '../../../db/outbox';
import { saveBootstrap } from '../../../db/session';
import { T0, at, bootstrapFixture, submitStation } from '../../../db/test-support';
import { initI18n, setLanguage, t } from '../../../i18n';
import { localErrorText } from '../../../i18n/local-errors';
import { PhotoProcessingError } from '../../../photos/photo-protocol';
import { ServicesProvider, type AppServices } from '../../../services';
import { submitProblemsText } from '../inspect/submit-problems';
import { SyncPage } from './SyncPage';

async function outboxWithTroubles(): Promise<CivicDatabase> {
  const db = new CivicDatabase(`sync-page-${Math.random()}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  await db.open();
  await saveBootstrap(db, bootstrapFixture());
  const groups = [
    await submitStation(db, 'S1', []),
    await submitStation(db, 'S2', []),
    await submitStation(db, 'S9', []),
  ];
  const [lost, refused, waiting] = groups.map((group) => group.entries[0]!.seq);
  await markAttention(db, lost!, {
    status: 422,
    code: 'missing_photos',
    message: 'a photo of this record could not be uploaded',
    data: { photoError: 'photo_missing_locally' },
  });
  await markAttention(db, refused!, {
    status: 422,
    code: 'missing_photos',
    message: 'the server lacks photos that cannot be sent again',
    data: { missingLocally: 2, refused: 1 },
  });
  await markRetry(db, waiting!, {
    nextAttemptAt: at(100),
    error: { code: 'store_error', message: 'local storage failed' },
  });
  expect(await entriesOfGroup(db, groups[0]!.id)).toHaveLength(1);
  return db;
}

function renderSyncPage(db: CivicDatabase) {
  const services: AppServices = {
    db,
    api: {} as AppServices['api'],
    photos: { process: vi.fn(), dispose: vi.fn() },
    now: () => new Date(T0),
    setToken: vi.fn(),
  };
  return render(
    <ServicesProvider services={services}>
      <SyncPage />
    </ServicesProvider>,
  );
}

beforeAll(async () => {
  await initI18n();
});
afterEach(cleanup);

describe('local codes in the chosen language', () => {
  it('the sync page words the engine’s codes in English, with no Chinese left', async () => {
    const db = await outboxWithTroubles();
    await setLanguage('en');
    try {
      renderSyncPage(db);
      expect(
        await screen.findByText(/A photo of this record could not be uploaded: This photo is no longer on this phone/),
      ).toBeTruthy();
      expect(
        screen.getByText(
          /The server lacks photos of this record that cannot be sent again \(2 no longer on this phone, 1 refused by the server\)/,
        ),
      ).toBeTruthy();
      expect(screen.getByText(/Reading or writing the storage of this phone failed/)).toBeTruthy();
      const groups = screen.getAllByTestId('sync-group').map((group) => group.textContent ?? '');
      expect(groups).toHaveLength(3);
      // The site names are data (Chinese in the bootstrap); the words around them are not.
      for (const text of groups) expect(text.replace(/·[^·]*?实践站/, '')).not.toMatch(/[\u4e00-\u9fff]/);
    } finally {
      await setLanguage('zh-CN');
    }
  });

  it('and in Chinese in Chinese mode', async () => {
    renderSyncPage(await outboxWithTroubles());
    expect(await screen.findByText(/本记录的照片无法上传：本机已找不到这张照片/)).toBeTruthy();
    expect(
      screen.getByText(/服务器缺少本记录的照片，且无法补传（2 张照片已不在本机，1 张照片被服务器拒收）/),
    ).toBeTruthy();
  });

  it('a full phone, a photo the worker could not read, and submit problems, in English', async () => {
    await setLanguage('en');
    try {
      expect(localErrorText(t, new StorageFullError())).toMatch(/^The phone storage is full/);
      expect(localErrorText(t, new PhotoProcessingError('out_of_memory', 'RangeError'))).toBe(
        'Not enough memory to process this photo. Close other apps and try again.',
      );
      expect(
        submitProblemsText(t, [
          { itemId: 'T18', code: 'photo_required', data: { item: 'T18 室内卫生' } },
          { itemId: 'T02', code: 'grade_not_allowed', data: { item: 'T02', grades: 'A / C' } },
          { code: 'no_rubric', data: { rubricVersion: '2021' } },
        ]),
      ).toBe(
        'T18 室内卫生: a deduction needs at least one photo; T02: only A / C may be given; ' +
          'Rubric 2021 is not on this phone: go online and sign in again to update it',
      );
    } finally {
      await setLanguage('zh-CN');
    }
  });
});
