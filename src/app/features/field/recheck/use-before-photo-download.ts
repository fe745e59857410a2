/**
 * One before-photo download at a time in this page, whoever asks for it (the list on start,
 * the `online` event, "更新任务"), with its progress as React state.
 */
import { useSyncExternalStore } from 'react';
import type { AppServices } from '../../../services';
import { downloadBeforePhotos, type BeforePhotoDownloadResult } from './before-photo-download';

export type DownloadState =
  | { phase: 'idle' }
  | { phase: 'running'; done: number; total: number }
  | { phase: 'done'; result: BeforePhotoDownloadResult }
  | { phase: 'failed'; message: string };

let state: DownloadState = { phase: 'idle' };
let running: Promise<BeforePhotoDownloadResult> | undefined;
const listeners = new Set<() => void>();

function publish(next: DownloadState): void {
  state = next;
  listeners.forEach((listener) => listener());
}

/** Starts a download unless one is running (then returns that one). */
export function startBeforePhotoDownload(
  services: Pick<AppServices, 'db' | 'api' | 'now'>,
): Promise<BeforePhotoDownloadResult> {
  if (running) return running;
  publish({ phase: 'running', done: 0, total: 0 });
  const work = downloadBeforePhotos(services.db, services.api, {
    now: services.now,
    onProgress: (progress) => publish({ phase: 'running', ...progress }),
  }).then(
    (result) => {
      publish({ phase: 'done', result });
      return result;
    },
    (error: unknown) => {
      publish({ phase: 'failed', message: error instanceof Error ? error.message : String(error) });
      throw error;
    },
  );
  running = work.finally(() => {
    running = undefined;
  });
  return running;
}

export function useBeforePhotoDownload(): DownloadState {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => state,
  );
}
