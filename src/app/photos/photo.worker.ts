/**
 * The photo worker: one job at a time from `photo-processor.ts`, processed by
 * `photo-pipeline.ts` off the main thread, the result's buffers transferred back (no copies).
 * Failures come back as a typed code; anything unexpected as `worker_failed` with its detail.
 * Loaded as a module worker:
 * `new Worker(new URL('./photo.worker.ts', import.meta.url), { type: 'module' })`.
 */
import { processPhoto } from './photo-pipeline';
import { PhotoProcessingError, type PhotoJobRequest, type PhotoJobResponse } from './photo-protocol';

function reply(response: PhotoJobResponse, transfer: Transferable[] = []): void {
  // In a dedicated worker `self.postMessage(message, { transfer })` is the worker's own postMessage.
  self.postMessage(response, { transfer });
}

self.addEventListener('message', (event: MessageEvent<PhotoJobRequest>) => {
  const request = event.data;
  if (request?.type !== 'process') return;
  processPhoto(request.original, request.stamp, request.options).then(
    (result) => reply({ type: 'done', id: request.id, result }, [result.jpeg, result.thumbnail]),
    (error: unknown) => {
      if (error instanceof PhotoProcessingError) {
        reply({ type: 'failed', id: request.id, code: error.code, detail: error.detail });
        return;
      }
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      // "RangeError: Array buffer allocation failed": the phone ran out of memory.
      const outOfMemory = error instanceof RangeError && /alloc/i.test(error.message);
      reply({ type: 'failed', id: request.id, code: outOfMemory ? 'out_of_memory' : 'worker_failed', detail });
    },
  );
});
