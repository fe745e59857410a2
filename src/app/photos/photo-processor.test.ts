import { afterEach, describe, expect, it } from 'vitest';
import { createPhotoProcessor, type PhotoWorker } from './photo-processor';
import {
  PhotoProcessingError,
  type PhotoJobRequest,
  type PhotoJobResponse,
  type PhotoJobResult,
  type PhotoStamp,
} from './photo-protocol';

const STAMP: PhotoStamp = {
  siteName: '文化路社区新时代文明实践站',
  itemLabel: 'T18 室内卫生',
  inspectorName: '张晓明',
  takenAt: '2021-07-19T01:30:00.000Z',
  kind: 'inspection',
};

/** A stand-in for the module worker: records what it is sent, answers when the test says so. */
class FakeWorker implements PhotoWorker {
  readonly received: { request: PhotoJobRequest; transfer: Transferable[] }[] = [];
  terminated = false;
  private readonly listeners = new Map<string, Set<(event: Event) => void>>();

  addEventListener(type: string, listener: (event: Event) => void): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(listener);
  }

  removeEventListener(type: string, listener: (event: Event) => void): void {
    this.listeners.get(type)?.delete(listener);
  }

  postMessage(message: unknown, transfer?: unknown): void {
    this.received.push({ request: message as PhotoJobRequest, transfer: (transfer ?? []) as Transferable[] });
  }

  terminate(): void {
    this.terminated = true;
  }

  reply(response: PhotoJobResponse): void {
    this.emit('message', { data: response } as unknown as Event);
  }

  crash(message: string): void {
    this.emit('error', Object.assign(new Event('error'), { message }));
  }

  private emit(type: string, event: Event): void {
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}

function result(jpeg: number[], overrides: Partial<PhotoJobResult> = {}): PhotoJobResult {
  return {
    jpeg: new Uint8Array(jpeg).buffer,
    sha256: 'a'.repeat(64),
    width: 1200,
    height: 1600,
    bytes: jpeg.length,
    quality: 0.8,
    thumbnail: new Uint8Array([0xff, 0xd8, 0xff, 0xd9]).buffer,
    thumbnailSha256: 'c'.repeat(64),
    thumbnailWidth: 180,
    thumbnailHeight: 240,
    originalBytes: 3,
    originalWidth: 3000,
    originalHeight: 4000,
    sourceSha256: 'd'.repeat(64),
    timings: { decode: 1, resize: 1, watermark: 1, encode: 1, thumbnail: 1, hash: 1, total: 6 },
    ...overrides,
  };
}

const file = (...bytes: number[]) => new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' });
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the photo processor (main thread)', () => {
  const workers: FakeWorker[] = [];
  const make = (timeoutMs?: number) =>
    createPhotoProcessor({
      createWorker: () => {
        const worker = new FakeWorker();
        workers.push(worker);
        return worker;
      },
      ...(timeoutMs ? { timeoutMs } : {}),
    });

  afterEach(() => {
    workers.length = 0;
  });

  it('sends the file bytes (transferred) with the stamp, and gives Blobs made from the bytes back', async () => {
    const processor = make();
    const pending = processor.process(file(1, 2, 3), STAMP);
    await settle();
    const [{ request, transfer }] = workers[0]!.received as [{ request: PhotoJobRequest; transfer: Transferable[] }];
    expect(request).toMatchObject({ type: 'process', stamp: STAMP });
    expect([...new Uint8Array(request.original)]).toEqual([1, 2, 3]);
    expect(transfer).toEqual([request.original]);

    workers[0]!.reply({ type: 'done', id: request.id, result: result([0xff, 0xd8, 9, 0xff, 0xd9]) });
    const photo = await pending;
    expect(photo.blob).toBeInstanceOf(Blob);
    expect(photo.blob.type).toBe('image/jpeg');
    expect([...new Uint8Array(await photo.blob.arrayBuffer())]).toEqual([0xff, 0xd8, 9, 0xff, 0xd9]);
    expect(photo.thumbnail.type).toBe('image/jpeg');
    expect(photo).toMatchObject({ sha256: 'a'.repeat(64), width: 1200, height: 1600, originalWidth: 3000 });
    expect(photo).not.toHaveProperty('jpeg');
    processor.dispose();
  });

  it('gives the worker one job at a time, in order, on one worker', async () => {
    const processor = make();
    const first = processor.process(file(1), STAMP);
    const second = processor.process(file(2), { ...STAMP, kind: 'recheck' });
    await settle();
    expect(workers).toHaveLength(1);
    expect(workers[0]!.received).toHaveLength(1);
    workers[0]!.reply({ type: 'done', id: workers[0]!.received[0]!.request.id, result: result([1]) });
    await first;
    expect(workers[0]!.received).toHaveLength(2);
    expect(workers[0]!.received[1]!.request.stamp.kind).toBe('recheck');
    workers[0]!.reply({ type: 'done', id: workers[0]!.received[1]!.request.id, result: result([2]) });
    await second;
    expect(workers).toHaveLength(1);
    processor.dispose();
  });

  it('turns a failure reported by the worker into a typed error with the Chinese message', async () => {
    const processor = make();
    const pending = processor.process(file(0x3c, 0x68), STAMP);
    await settle();
    workers[0]!.reply({
      type: 'failed',
      id: workers[0]!.received[0]!.request.id,
      code: 'undecodable',
      detail: 'InvalidStateError: The source image could not be decoded.',
    });
    const error = await pending.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PhotoProcessingError);
    expect(error).toMatchObject({
      code: 'undecodable',
      detail: 'InvalidStateError: The source image could not be decoded.',
    });
    // The worker is still good for the next photo.
    const next = processor.process(file(1), STAMP);
    await settle();
    workers[0]!.reply({ type: 'done', id: workers[0]!.received[1]!.request.id, result: result([1]) });
    await expect(next).resolves.toMatchObject({ width: 1200 });
    expect(workers).toHaveLength(1);
    processor.dispose();
  });

  it('times a job out, replaces the stuck worker, and ignores the late answer', async () => {
    const processor = make(30);
    const slow = processor.process(file(1), STAMP);
    const queued = processor.process(file(2), STAMP);
    await expect(slow).rejects.toMatchObject({ code: 'timeout' });
    expect(workers[0]!.terminated).toBe(true);
    await settle();
    expect(workers).toHaveLength(2);
    workers[0]!.reply({ type: 'done', id: workers[0]!.received[0]!.request.id, result: result([9]) });
    workers[1]!.reply({ type: 'done', id: workers[1]!.received[0]!.request.id, result: result([2]) });
    const photo = await queued;
    expect([...new Uint8Array(await photo.blob.arrayBuffer())]).toEqual([2]);
    processor.dispose();
  });

  it('fails the running job when the worker crashes, and starts a fresh worker for the next', async () => {
    const processor = make();
    const pending = processor.process(file(1), STAMP);
    await settle();
    workers[0]!.crash('Uncaught RangeError: Array buffer allocation failed');
    await expect(pending).rejects.toMatchObject({
      code: 'worker_failed',
      detail: 'Uncaught RangeError: Array buffer allocation failed',
    });
    expect(workers[0]!.terminated).toBe(true);
    const next = processor.process(file(1), STAMP);
    await settle();
    expect(workers).toHaveLength(2);
    workers[1]!.reply({
      type: 'done',
      id: workers[1]!.received[0]!.request.id,
      result: result([0xff, 0xd8, 7, 0xff, 0xd9], { sha256: 'b'.repeat(64) }),
    });
    const photo = await next;
    expect(photo).toMatchObject({ sha256: 'b'.repeat(64), width: 1200, height: 1600 });
    expect([...new Uint8Array(await photo.blob.arrayBuffer())]).toEqual([0xff, 0xd8, 7, 0xff, 0xd9]);
    processor.dispose();
  });

  it('rejects a file that cannot be read as undecodable', async () => {
    const processor = make();
    const unreadable = { arrayBuffer: () => Promise.reject(new Error('NotReadableError')) } as unknown as Blob;
    await expect(processor.process(unreadable, STAMP)).rejects.toMatchObject({ code: 'undecodable' });
    expect(workers).toHaveLength(0);
    processor.dispose();
  });

  it('on dispose, terminates the worker and rejects the running, queued and later jobs', async () => {
    const processor = make();
    const running = processor.process(file(1), STAMP);
    const queued = processor.process(file(2), STAMP);
    await settle();
    processor.dispose();
    await expect(running).rejects.toMatchObject({ code: 'disposed' });
    await expect(queued).rejects.toMatchObject({ code: 'disposed' });
    await expect(processor.process(file(3), STAMP)).rejects.toMatchObject({ code: 'disposed' });
    expect(workers[0]!.terminated).toBe(true);
  });
});
