import { describe, expect, it, vi } from 'vitest';
import { ApiRequestError, createApiClient, NetworkError } from '../api/api-client';
import { createHttpTransport, DEFAULT_PHOTO_MAX_TIMEOUT_MS, photoTimeoutMs } from './http-transport';
import { createSyncEngine } from './sync-engine';
import { FakeClock, FakeServer } from './test-support/fake-server';
import { makeInspection, makePhoto, testUuid } from './test-support/fixtures';
import { MemoryStore } from './test-support/memory-store';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('http transport', () => {
  it('PUTs a photo as its bytes with its content type', async () => {
    const fetch = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => json(201, { sha256: 'a', bytes: 3 }));
    const transport = createHttpTransport(createApiClient({ fetch }));
    const controller = new AbortController();
    const blob = new Blob([new Uint8Array([1, 2, 3])]); // read back without a type
    const result = await transport.putPhoto(
      { sha256: 'a'.repeat(64), blob, contentType: 'image/webp', bytes: 3 },
      { signal: controller.signal },
    );
    expect(result).toEqual({ status: 201 });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe(`/api/photos/${'a'.repeat(64)}`);
    expect(init?.method).toBe('PUT');
    expect((init?.headers as Record<string, string>)['Content-Type']).toBe('image/webp');
    expect(((init?.body as Blob) ?? new Blob()).size).toBe(3);
  });

  it('gives a photo 30 s plus a second per 16 KiB (two share a weak uplink), at most 10 minutes', () => {
    expect(photoTimeoutMs(0)).toBe(30_000);
    expect(photoTimeoutMs(1024 * 1024)).toBe(94_000);
    expect(photoTimeoutMs(8 * 1024 * 1024)).toBe(542_000);
    expect(photoTimeoutMs(10 * 1024 * 1024)).toBe(DEFAULT_PHOTO_MAX_TIMEOUT_MS);
  });

  it('tells the engine the timeout it gives a photo, with its own options', () => {
    const transport = createHttpTransport(createApiClient({ fetch: vi.fn() }), { photoBaseTimeoutMs: 5_000 });
    expect(transport.photoTimeoutMs?.(1024 * 1024)).toBe(69_000);
  });

  it('returns 200 as a status with the score the server gave, and passes the client errors through', async () => {
    const answers = [
      json(200, { id: 'x', revision: 1, score: 100, fullMarks: true }),
      json(201, { id: 'x', revision: 2 }), // no score in the answer: none is made up
      json(409, { error: 'conflict', message: '不同内容' }),
    ];
    const transport = createHttpTransport(createApiClient({ fetch: async () => answers.shift()! }));
    const inspection = makeInspection({ id: testUuid(1) });
    const signal = new AbortController().signal;
    expect(await transport.putInspection(inspection, { signal })).toEqual({
      status: 200,
      score: { score: 100, fullMarks: true },
    });
    expect(await transport.putInspection(inspection, { signal })).toEqual({ status: 201 });
    await expect(transport.putInspection(inspection, { signal })).rejects.toBeInstanceOf(ApiRequestError);
  });

  it('hands the server’s score of an inspection to the store with its confirmation', async () => {
    const fetch = async () => json(201, { id: testUuid(1), revision: 1, score: 93.5, fullMarks: false });
    const clock = new FakeClock();
    const store = new MemoryStore();
    const inspection = makeInspection({ id: testUuid(1) });
    store.submitInspection(inspection, clock.now());
    const seq = store.entryByKey('inspection', `${inspection.id}@1`)!.seq;
    const markDone = vi.spyOn(store, 'markDone');
    const engine = createSyncEngine({ store, transport: createHttpTransport(createApiClient({ fetch })), clock });
    expect(await engine.run()).toMatchObject({ sent: 1, complete: true });
    expect(markDone).toHaveBeenCalledWith(
      [seq],
      expect.any(Number),
      new Map([[seq, { score: 93.5, fullMarks: false }]]),
    );
  });

  it('aborts the request when the engine gives up on it', async () => {
    let fetchSignal: AbortSignal | undefined;
    const hanging = (_url: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        fetchSignal = init?.signal ?? undefined;
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    const transport = createHttpTransport(createApiClient({ fetch: hanging }));
    const controller = new AbortController();
    const sending = transport.putInspection(makeInspection({ id: testUuid(1) }), { signal: controller.signal });
    controller.abort();
    await expect(sending).rejects.toMatchObject({ name: 'AbortError' });
    expect(fetchSignal?.aborted).toBe(true);
  });

  it('times out a hanging request as a NetworkError', async () => {
    const hanging = (_url: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
      );
    const transport = createHttpTransport(createApiClient({ fetch: hanging }), { jsonTimeoutMs: 10 });
    await expect(
      transport.putInspection(makeInspection({ id: testUuid(1) }), { signal: new AbortController().signal }),
    ).rejects.toEqual(new NetworkError('请求超时', true));
  });

  it('carries the engine through the real API client: a 422 body brings the photos to re-send', async () => {
    const server = new FakeServer();
    // A tiny HTTP front for the fake server, as the real routes answer.
    const fetch = async (url: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
      const path = typeof url === 'string' ? url : url instanceof URL ? url.href : url.url;
      try {
        if (path.startsWith('/api/photos/')) {
          const blob = init!.body as Blob;
          const sha256 = path.slice('/api/photos/'.length);
          const contentType = (init!.headers as Record<string, string>)['Content-Type']!;
          const { status } = await server.putPhoto({ sha256, blob, contentType, bytes: blob.size });
          return json(status, { sha256, bytes: blob.size });
        }
        const { status } = await server.putInspection(JSON.parse(init!.body as string) as never);
        return json(status, {});
      } catch (error) {
        if (error instanceof ApiRequestError) return json(error.status, error.body);
        throw error;
      }
    };
    const clock = new FakeClock();
    const store = new MemoryStore();
    const photo = await makePhoto(1);
    store.addPhoto(photo.sha256, photo.blob);
    const inspection = makeInspection({ id: testUuid(1), photos: [photo.sha256] });
    store.submitInspection(inspection, clock.now());
    await store.markDone([store.entryByKey('photo', photo.sha256)!.seq], clock.now()); // "already uploaded"

    const engine = createSyncEngine({ store, transport: createHttpTransport(createApiClient({ fetch })), clock });
    expect(await engine.run()).toMatchObject({ sent: 2, complete: true });
    expect(server.log.map((entry) => `${entry.kind}:${entry.status}`)).toEqual([
      'inspection:422',
      'photo:201',
      'inspection:201',
    ]);
  });
});
