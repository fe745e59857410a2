// @vitest-environment happy-dom
import { act, cleanup, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { StorageFullError, type CivicDatabase } from '../db/database';
import type { NewPhoto } from '../db/types';
import { initI18n, setLanguage } from '../i18n';
import { ServicesProvider, type AppServices } from '../services';
import type { ProcessedPhoto } from './photo-processor';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';
import { PhotoProcessingError } from './photo-protocol';
import { useAttachPhotos, type PhotoTarget } from './use-attach-photos';

const NOW = new Date('2021-07-12T02:30:00.000Z');

const processed = (sha256: string): ProcessedPhoto =>
  ({
    sha256,
    blob: new Blob(['jpeg']),
    thumbnail: new Blob(['thumb']),
    thumbnailSha256: 'c'.repeat(64),
    width: 1600,
    height: 1200,
    bytes: 4,
    originalBytes: 9,
    quality: 0.8,
    sourceSha256: 'd'.repeat(64),
    exifAt: '2021-07-12T02:29:00.000Z',
  }) as ProcessedPhoto;

/** Files as an input hands them over. */
function fileList(...names: string[]): FileList {
  return fileListModified(NOW.getTime(), ...names);
}

function fileListModified(lastModified: number, ...names: string[]): FileList {
  const files = names.map((name) => new File([name], name, { type: 'image/jpeg', lastModified }));
  return Object.assign(files, { item: (index: number) => files[index] ?? null });
}

type Process = AppServices['photos']['process'];

function setup(process: Process) {
  const services: AppServices = {
    db: {} as CivicDatabase,
    api: {} as AppServices['api'],
    photos: { process, dispose: vi.fn() },
    now: () => NOW,
    setToken: vi.fn(),
  };
  const wrapper = ({ children }: { children: ReactNode }) => (
    <ServicesProvider services={services}>{children}</ServicesProvider>
  );
  return renderHook(() => useAttachPhotos('inspect.photoFailed'), { wrapper });
}

const target = (attach: PhotoTarget['attach']): PhotoTarget => ({
  key: 'T18',
  stamp: { siteName: '曙光街社区', itemLabel: 'T18 室内卫生', inspectorName: '张三', kind: 'inspection' },
  gps: { lat: 33.7, lng: 113.3 },
  inspectorId: 'u1',
  attach,
});

beforeAll(async () => {
  await initI18n();
});
afterEach(() => cleanup());

describe('attaching picked photos', () => {
  it('stamps each photo with the time and position, stores it with the same, and counts it busy meanwhile', async () => {
    const process = vi.fn<Process>(() => Promise.resolve(processed('a'.repeat(64))));
    const attach = vi.fn((_photo: NewPhoto) => Promise.resolve());
    const { result } = setup(process);

    let works: Promise<unknown>[] = [];
    act(() => {
      works = result.current.add(fileList('1.jpg', '2.jpg'), target(attach));
    });
    expect(result.current.busy.T18).toBe(2);
    await act(() => Promise.all(works));

    expect(result.current.busy.T18).toBe(0);
    expect(process).toHaveBeenCalledWith(expect.any(File), {
      siteName: '曙光街社区',
      itemLabel: 'T18 室内卫生',
      inspectorName: '张三',
      kind: 'inspection',
      takenAt: NOW.toISOString(),
      gps: { lat: 33.7, lng: 113.3, accuracy: 0 },
    });
    expect(attach).toHaveBeenCalledTimes(2);
    const stored = attach.mock.calls[0]![0];
    expect(stored).toEqual({
      sha256: 'a'.repeat(64),
      blob: expect.any(Blob) as Blob,
      thumbnail: expect.any(Blob) as Blob,
      thumbnailSha256: 'c'.repeat(64),
      width: 1600,
      height: 1200,
      bytes: 4,
      originalBytes: 9,
      capturedAt: NOW.toISOString(),
      inspectorId: 'u1',
      gps: { lat: 33.7, lng: 113.3 },
      source: 'camera',
      sourceSha256: 'd'.repeat(64),
      exifAt: '2021-07-12T02:29:00.000Z',
    });
  });

  it('records a gallery photo as such, and an old file given to the camera button too', async () => {
    const process = vi.fn<Process>(() => Promise.resolve(processed('a'.repeat(64))));
    const attach = vi.fn((_photo: NewPhoto) => Promise.resolve());
    const { result } = setup(process);
    let works: Promise<unknown>[] = [];
    act(() => {
      works = [
        ...result.current.add(fileList('chosen.jpg'), target(attach), 'gallery'),
        ...result.current.add(fileListModified(NOW.getTime() - 3_600_000, 'old.jpg'), target(attach), 'camera'),
        ...result.current.add(fileList('fresh.jpg'), target(attach), 'camera'),
      ];
    });
    await act(() => Promise.all(works));
    expect(attach.mock.calls.map(([photo]) => photo.source)).toEqual(['gallery', 'gallery', 'camera']);
  });

  it('dates a photo marked up before storing by when it was picked: minutes of drawing keep a camera photo a camera photo', async () => {
    const process = vi.fn<Process>(() => Promise.resolve(processed('a'.repeat(64))));
    const attach = vi.fn((_photo: NewPhoto) => Promise.resolve());
    const { result } = setup(process);
    // Picked ten minutes before NOW (the editor closed at NOW); the camera made the file just before.
    const pickedAt = new Date(NOW.getTime() - 10 * 60_000);
    let works: Promise<unknown>[] = [];
    act(() => {
      works = result.current.add(
        fileListModified(pickedAt.getTime() - 5_000, 'marked.jpg'),
        target(attach),
        'camera',
        pickedAt,
      );
    });
    await act(() => Promise.all(works));
    expect(process.mock.calls[0]![1].takenAt).toBe(pickedAt.toISOString());
    expect(attach.mock.calls[0]![0]).toMatchObject({ source: 'camera', capturedAt: pickedAt.toISOString() });
  });

  it('words a failed photo for the screen, and leaves a full phone as it is', async () => {
    const process = vi.fn<Process>(() => Promise.reject(new Error('无法读取这张照片')));
    const { result } = setup(process);
    let failed: Promise<unknown>[] = [];
    act(() => {
      failed = result.current.add(fileList('1.jpg'), target(vi.fn()));
    });
    await act(() => expect(failed[0]).rejects.toThrow('照片未能保存：无法读取这张照片'));
    expect(result.current.busy.T18).toBe(0);

    process.mockImplementation(() => Promise.resolve(processed('b'.repeat(64))));
    const full = new StorageFullError();
    let stored: Promise<unknown>[] = [];
    act(() => {
      stored = result.current.add(
        fileList('2.jpg'),
        target(() => Promise.reject(full)),
      );
    });
    await act(() => expect(stored[0]).rejects.toBe(full));
  });

  it("words the photo worker's failure in the interface's language", async () => {
    const process = vi.fn<Process>(() => Promise.reject(new PhotoProcessingError('undecodable', 'DOMException')));
    const { result } = setup(process);
    const fail = async () => {
      let failed: Promise<unknown>[] = [];
      act(() => {
        failed = result.current.add(fileList('1.jpg'), target(vi.fn()));
      });
      return act(() => failed[0]!.catch((error: unknown) => (error as Error).message));
    };
    expect(await fail()).toBe(`照片未能保存：${zhCN.photoError.undecodable}`);
    await act(() => setLanguage('en'));
    try {
      expect(await fail()).toBe(`The photo was not saved: ${en.photoError.undecodable}`);
    } finally {
      await act(() => setLanguage('zh-CN'));
    }
  });
});
