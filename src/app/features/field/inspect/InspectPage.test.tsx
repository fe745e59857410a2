// @vitest-environment happy-dom
// A global IndexedDB as in the app: without one Dexie's live queries (useChecklist) never answer.
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CivicDatabase } from '../../../db/database';
import { saveBootstrap } from '../../../db/session';
import { bootstrapFixture, INSPECTOR, T0 } from '../../../db/test-support';
import { initI18n } from '../../../i18n';
import { PhotoProcessingError } from '../../../photos/photo-protocol';
import { zhCN } from '../../../i18n/zh-CN';
import { ServicesProvider, type AppServices } from '../../../services';
import { InspectPage } from './InspectPage';

const FULL_DISK = '手机存储空间已满，未能保存最新修改。已保存的内容都还在。请删除手机上不需要的照片或应用，然后再试。';

let db: CivicDatabase | undefined;

/**
 * A database with the bootstrap saved; on a `full` disk every write to the inspections store
 * fails below Dexie as on a full disk, with IndexedDB's QuotaExceededError.
 */
async function databaseWithDisk(full: boolean) {
  const refused = vi.fn();
  const database = new CivicDatabase(`inspect-page-${Math.random()}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  database.use({
    stack: 'dbcore',
    name: 'full-disk',
    create: (down) => ({
      ...down,
      table: (name) => {
        const table = down.table(name);
        if (name !== 'inspections') return table;
        return {
          ...table,
          mutate: (request) => {
            if (!full) return table.mutate(request);
            refused(request.type);
            return Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
          },
        };
      },
    }),
  });
  await database.open();
  await saveBootstrap(database, bootstrapFixture());
  db = database;
  return { database, refused };
}

function renderInspectPage(database: CivicDatabase, process: AppServices['photos']['process'] = vi.fn()) {
  const services: AppServices = {
    db: database,
    api: {} as AppServices['api'],
    photos: { process, dispose: vi.fn() },
    now: () => new Date(T0),
    setToken: vi.fn(),
  };
  render(
    <ServicesProvider services={services}>
      <InspectPage user={INSPECTOR} roundId="R1" siteId="S1" />
    </ServicesProvider>,
  );
}

beforeAll(async () => {
  await initI18n();
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  db?.close();
  db = undefined;
});

describe('opening the checklist', () => {
  it('opens the inspection when the disk has room', async () => {
    const { database, refused } = await databaseWithDisk(false);
    // The started inspection asks for a position once: none here.
    vi.spyOn(navigator, 'geolocation', 'get').mockReturnValue({
      getCurrentPosition: (_found: PositionCallback, failed?: PositionErrorCallback | null) =>
        failed?.({ code: 2, PERMISSION_DENIED: 1 } as GeolocationPositionError),
    } as Geolocation);
    renderInspectPage(database);
    expect((await screen.findByRole('heading', { level: 1 })).textContent).toBe('东风社区实践站');
    expect(refused).not.toHaveBeenCalled();
  });

  it('says the disk is full and what to do when opening fails, instead of loading for ever', async () => {
    const { database, refused } = await databaseWithDisk(true);
    renderInspectPage(database);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe(FULL_DISK);
    expect(alert.textContent).toContain('请删除手机上不需要的照片或应用，然后再试');
    expect(refused).toHaveBeenCalledWith('add');
    expect(screen.queryByText('正在加载…')).toBeNull();
    expect(screen.queryByRole('status')).toBeNull();
    expect(screen.queryByRole('heading', { level: 1 })).toBeNull();
  });
});

describe('a photo that cannot be used', () => {
  it('is said at its item, where it was picked, not only at the top of the page', async () => {
    const { database } = await databaseWithDisk(false);
    vi.spyOn(navigator, 'geolocation', 'get').mockReturnValue({
      getCurrentPosition: (_found: PositionCallback, failed?: PositionErrorCallback | null) =>
        failed?.({ code: 2, PERMISSION_DENIED: 1 } as GeolocationPositionError),
    } as Geolocation);
    renderInspectPage(database, () => Promise.reject(new PhotoProcessingError('undecodable')));
    await screen.findByRole('heading', { level: 1 });
    // The later categories render just after the first (ChecklistForm).
    const item = await waitFor(() => document.querySelector<HTMLElement>('[data-item-id="T18"]') ?? expect.fail(), {
      timeout: 5000,
    });
    const input = item.querySelector<HTMLInputElement>('input[type="file"]')!;
    fireEvent.change(input, { target: { files: [new File(['x'], 'not-a-photo.jpg', { type: 'image/jpeg' })] } });
    const alert = await within(item).findByRole('alert');
    expect(alert.textContent).toBe(`照片未能保存：${zhCN.photoError.undecodable}`);
    expect(screen.getAllByRole('alert')).toEqual([alert]);
  });
});
