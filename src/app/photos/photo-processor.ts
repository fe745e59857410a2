/**
 * The main-thread side of the photo pipeline: `createPhotoProcessor()` owns one module worker
 * (`photo.worker.ts`) and feeds it one job at a time — two 12 MP bitmaps at once (48 MB each)
 * are what gets a cheap phone's tab killed. Each job has an id and a timeout; a worker that
 * times out or crashes is terminated and a fresh one serves the next job.
 *
 * The file's bytes are read as soon as `process` is called, and the results are Blobs made from
 * the worker's bytes: a live `File` from an `<input type="file">` must never be stored (iOS
 * Safari fails to store it in IndexedDB, and the picked file may change or vanish).
 */
import {
  PhotoProcessingError,
  isPhotoErrorCode,
  type PhotoJobOptions,
  type PhotoJobRequest,
  type PhotoJobResponse,
  type PhotoJobResult,
  type PhotoStamp,
} from './photo-protocol';

export type { PhotoJobOptions, PhotoStamp } from './photo-protocol';
export { PhotoProcessingError } from './photo-protocol';

/** A processed photo, ready to be stored by its hash. */
export interface ProcessedPhoto extends Omit<PhotoJobResult, 'jpeg' | 'thumbnail'> {
  /** The stored photo, `image/jpeg`, made from the bytes the worker returned. */
  blob: Blob;
  /** `image/jpeg`, long edge about 240 px. */
  thumbnail: Blob;
}

export interface PhotoProcessor {
  /** Processes one photo; rejects with a PhotoProcessingError (Chinese `message`, typed `code`). */
  process(file: Blob, stamp: PhotoStamp, options?: PhotoJobOptions): Promise<ProcessedPhoto>;
  /** Terminates the worker; pending and later jobs reject with code `disposed`. */
  dispose(): void;
  /**
   * Starts the worker now, so its code is loaded while the network is there: a page opened
   * online, before any service worker controls it, can then still take photos once offline.
   */
  prepare?(): void;
}

/** The part of a Worker the processor uses, so tests can hand it a fake. */
export type PhotoWorker = Pick<Worker, 'postMessage' | 'terminate' | 'addEventListener' | 'removeEventListener'>;

export interface PhotoProcessorOptions {
  /** Makes the worker; the default is the bundled module worker. */
  createWorker?: () => PhotoWorker;
  /** Per job, from the moment the worker gets it (default 30 s: a 12 MP photo takes ~1 s). */
  timeoutMs?: number;
}

export const DEFAULT_PHOTO_TIMEOUT_MS = 30_000;

/** Vite bundles the worker because of this exact `new Worker(new URL(…, import.meta.url))` form. */
export function createPhotoWorker(): PhotoWorker {
  return new Worker(new URL('./photo.worker.ts', import.meta.url), { type: 'module', name: 'photo-worker' });
}

interface Job {
  id: number;
  original: ArrayBuffer;
  stamp: PhotoStamp;
  options: PhotoJobOptions | undefined;
  resolve: (photo: ProcessedPhoto) => void;
  reject: (error: PhotoProcessingError) => void;
}

export function createPhotoProcessor(options: PhotoProcessorOptions = {}): PhotoProcessor {
  const createWorker = options.createWorker ?? createPhotoWorker;
  const timeoutMs = options.timeoutMs ?? DEFAULT_PHOTO_TIMEOUT_MS;
  const queue: Job[] = [];
  let active: { job: Job; timer: ReturnType<typeof setTimeout> } | undefined;
  let worker: PhotoWorker | undefined;
  let nextId = 1;
  let disposed = false;

  const onMessage = (event: MessageEvent<PhotoJobResponse>) => {
    const response = event.data;
    if (!active || response?.id !== active.job.id) return; // a late answer of a timed-out job
    const { job } = active;
    if (response.type === 'done') finish(() => job.resolve(toProcessedPhoto(response.result)));
    else {
      const code = isPhotoErrorCode(response.code) ? response.code : 'worker_failed';
      finish(() => job.reject(new PhotoProcessingError(code, response.detail)));
    }
  };
  // An uncaught error in the worker's script (or failing to load it) and an unreadable reply.
  const onFailure = (event: Event) => {
    const message = (event as Partial<ErrorEvent>).message;
    const detail = typeof message === 'string' && message ? message : event.type;
    failActive('worker_failed', detail);
  };

  function spawn(): PhotoWorker {
    const created = createWorker();
    created.addEventListener('message', onMessage);
    created.addEventListener('error', onFailure);
    created.addEventListener('messageerror', onFailure);
    return created;
  }

  function kill(): void {
    if (!worker) return;
    worker.removeEventListener('message', onMessage);
    worker.removeEventListener('error', onFailure);
    worker.removeEventListener('messageerror', onFailure);
    worker.terminate();
    worker = undefined;
  }

  function failActive(code: 'worker_failed' | 'timeout', detail: string): void {
    if (!active) return;
    const { job } = active;
    // The worker may be stuck or broken: the next job gets a fresh one.
    kill();
    finish(() => job.reject(new PhotoProcessingError(code, detail)));
  }

  function finish(settle: () => void): void {
    if (active) clearTimeout(active.timer);
    active = undefined;
    settle();
    pump();
  }

  function pump(): void {
    if (active || disposed) return;
    const job = queue.shift();
    if (!job) return;
    const timer = setTimeout(() => failActive('timeout', `no answer within ${timeoutMs} ms`), timeoutMs);
    active = { job, timer };
    try {
      worker ??= spawn();
      const request: PhotoJobRequest = {
        type: 'process',
        id: job.id,
        original: job.original,
        stamp: job.stamp,
        ...(job.options ? { options: job.options } : {}),
      };
      worker.postMessage(request, [job.original]);
    } catch (error) {
      failActive('worker_failed', error instanceof Error ? error.message : String(error));
    }
  }

  return {
    async process(file, stamp, jobOptions) {
      if (disposed) throw new PhotoProcessingError('disposed');
      let original: ArrayBuffer;
      try {
        original = await file.arrayBuffer();
      } catch (error) {
        // The picked file is gone or changed (NotReadableError).
        throw new PhotoProcessingError('undecodable', error instanceof Error ? error.message : String(error));
      }
      if (disposed) throw new PhotoProcessingError('disposed');
      return new Promise<ProcessedPhoto>((resolve, reject) => {
        queue.push({ id: nextId++, original, stamp, options: jobOptions, resolve, reject });
        pump();
      });
    },
    prepare() {
      if (!disposed) worker ??= spawn();
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      const pending = [...(active ? [active.job] : []), ...queue.splice(0)];
      if (active) clearTimeout(active.timer);
      active = undefined;
      kill();
      for (const job of pending) job.reject(new PhotoProcessingError('disposed'));
    },
  };
}

function toProcessedPhoto(result: PhotoJobResult): ProcessedPhoto {
  const { jpeg, thumbnail, ...facts } = result;
  return {
    ...facts,
    blob: new Blob([jpeg], { type: 'image/jpeg' }),
    thumbnail: new Blob([thumbnail], { type: 'image/jpeg' }),
  };
}
