import { describe, expect, it, vi } from 'vitest';
import { ApiRequestError, createApiClient, NetworkError } from './api-client';

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

describe('api client', () => {
  it('sends the bearer token and JSON, and returns the data', async () => {
    const fetch = vi.fn(async () => jsonResponse(201, { id: 'x', revision: 1, score: 90, fullMarks: false }));
    const api = createApiClient({ fetch, getToken: () => 'token-abcdefghijklmnopqrstuvwxyz' });
    const result = await api.putInspection({ id: 'x' } as never);
    expect(result).toEqual({ status: 201, data: { id: 'x', revision: 1, score: 90, fullMarks: false } });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/inspections/x');
    expect(init.method).toBe('PUT');
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer token-abcdefghijklmnopqrstuvwxyz');
    expect(init.body).toBe('{"id":"x"}');
  });

  it('turns an error body into a typed error with the action the client should take', async () => {
    const api = createApiClient({
      fetch: async () => jsonResponse(422, { error: 'missing_photos', message: '缺照片', missingPhotos: ['a'] }),
    });
    const error = await api.putInspection({ id: 'x' } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiRequestError);
    expect(error).toMatchObject({ status: 422, code: 'missing_photos', message: '缺照片', action: 'send_photos' });
    expect((error as ApiRequestError).body.missingPhotos).toEqual(['a']);
  });

  it('reads Retry-After on 429 and falls back to the status when the body is not ours', async () => {
    const limited = createApiClient({
      fetch: async () => jsonResponse(429, { error: 'too_many_attempts', message: 'm' }, { 'Retry-After': '900' }),
    });
    await expect(limited.signIn('a', 'b')).rejects.toMatchObject({ retryAfterSeconds: 900, action: 'retry' });
    const proxy = createApiClient({ fetch: async () => new Response('<html>bad gateway</html>', { status: 502 }) });
    await expect(proxy.bootstrap()).rejects.toMatchObject({ status: 502, code: undefined, action: 'retry' });
  });

  it('reports no connection and timeouts as network errors', async () => {
    const offline = createApiClient({ fetch: async () => Promise.reject(new TypeError('Failed to fetch')) });
    await expect(offline.health()).rejects.toEqual(new NetworkError('无法连接服务器', false));
    const hanging = createApiClient({
      timeoutMs: 20,
      fetch: (_url, init) =>
        new Promise((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
        ),
    });
    await expect(hanging.health()).rejects.toMatchObject({ name: 'NetworkError', timedOut: true });
  });

  it('uploads a photo as its bytes with the image content type', async () => {
    const fetch = vi.fn(async () => jsonResponse(201, { sha256: 'a'.repeat(64), bytes: 3 }));
    const api = createApiClient({ fetch });
    await api.putPhoto('a'.repeat(64), new Blob([new Uint8Array([1, 2, 3])], { type: 'image/jpeg' }));
    const [, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('image/jpeg');
    expect(init.body).toBeInstanceOf(Blob);
  });
});
