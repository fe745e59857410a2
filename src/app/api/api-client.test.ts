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

describe('api client: a refused token', () => {
  const TOKEN = 'token-abcdefghijklmnopqrstuvwxyz';
  const refused = () => jsonResponse(401, { error: 'unauthorized', message: '登录已失效' });

  /** A client whose server answers `respond`, with the hook counted. */
  function client(respond: () => Response, getToken: () => string | undefined = () => TOKEN) {
    const onUnauthorized = vi.fn();
    const fetch = vi.fn(async () => respond());
    return { api: createApiClient({ fetch, getToken, onUnauthorized }), onUnauthorized, fetch };
  }

  it('calls the hook once for a 401 to a call that carried the token, then rejects as before', async () => {
    const { api, onUnauthorized } = client(refused);
    await expect(api.request('GET', '/api/rounds')).rejects.toMatchObject({ status: 401, action: 'sign_in' });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('calls the hook for a file download (photos, exports) too', async () => {
    const { api, onUnauthorized } = client(refused);
    await expect(api.getPhoto('a'.repeat(64))).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('does not call it for a wrong password at sign-in, which sends no token', async () => {
    const wrong = () => jsonResponse(401, { error: 'invalid_credentials', message: '用户名或密码错误' });
    const signedOut = client(wrong, () => undefined);
    await expect(signedOut.api.signIn('a', 'b')).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(signedOut.onUnauthorized).not.toHaveBeenCalled();
    // Even with a token left in memory, signing in neither sends it nor ends anything.
    const stale = client(wrong);
    await expect(stale.api.signIn('a', 'b')).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(stale.onUnauthorized).not.toHaveBeenCalled();
    const [, init] = stale.fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect((init.headers as Record<string, string>).Authorization).toBeUndefined();
  });

  it('does not call it for a call sent without a token, nor for signing out', async () => {
    const anonymous = client(refused, () => undefined);
    await expect(anonymous.api.bootstrap()).rejects.toMatchObject({ status: 401 });
    expect(anonymous.onUnauthorized).not.toHaveBeenCalled();
    const leaving = client(refused);
    await expect(leaving.api.signOut()).rejects.toMatchObject({ status: 401 });
    expect(leaving.onUnauthorized).not.toHaveBeenCalled();
  });

  it('does not call it when the token changed while the call was on its way (a new sign-in)', async () => {
    let token: string | undefined = TOKEN;
    const { api, onUnauthorized } = client(
      () => {
        token = 'token-of-the-new-sign-in-000000';
        return refused();
      },
      () => token,
    );
    await expect(api.request('GET', '/api/rounds')).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('does not call it for any other status', async () => {
    for (const status of [200, 204, 400, 403, 404, 409, 422, 429, 500, 503]) {
      const { api, onUnauthorized } = client(() =>
        status === 204 ? new Response(null, { status }) : jsonResponse(status, {}),
      );
      await api.request('GET', '/api/rounds').catch(() => undefined);
      await api.getBlob('/api/rounds/R1/recheck-results.csv').catch(() => undefined);
      expect(onUnauthorized, String(status)).not.toHaveBeenCalled();
    }
  });
});

describe('a streamed download', () => {
  /** A CSV answer of `lines` lines after the header, in chunks of `chunkLines` lines. */
  function streamed(lines: number, chunkLines: number) {
    const encoder = new TextEncoder();
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('\uFEFF区县,点位编号\r\n'));
      },
      pull(controller) {
        if (sent >= lines) return controller.close();
        const count = Math.min(chunkLines, lines - sent);
        controller.enqueue(encoder.encode(Array.from({ length: count }, (_, i) => `新华区,S${sent + i}\r\n`).join('')));
        sent += count;
      },
    });
    return new Response(body, {
      status: 200,
      headers: { 'Content-Type': 'text/csv; charset=utf-8', 'X-Row-Count': String(lines) },
    });
  }

  it('reports the rows against the announced total as they arrive, and gives the whole file', async () => {
    const fetch = vi.fn(async () => streamed(250_000, 10_000));
    const api = createApiClient({ fetch, getToken: () => 'token-abcdefghijklmnopqrstuvwxyz' });
    const progress: { rows: number; total: number | undefined }[] = [];
    const blob = await api.download('/api/rounds/R1/exports/items.csv', { onProgress: (p) => progress.push(p) });
    expect(progress.length).toBeGreaterThan(20);
    expect(progress.every((p) => p.total === 250_000)).toBe(true);
    expect(progress.map((p) => p.rows)).toEqual([...progress.map((p) => p.rows)].sort((a, b) => a - b));
    expect(progress.at(-1)!.rows).toBe(250_000);
    expect(blob.type).toBe('text/csv; charset=utf-8');
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await blob.arrayBuffer());
    expect(text.startsWith('\uFEFF区县,点位编号\r\n新华区,S0\r\n')).toBe(true);
    expect(text.endsWith('新华区,S249999\r\n')).toBe(true);
    expect(text.split('\r\n')).toHaveLength(250_002);
    const [, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer token-abcdefghijklmnopqrstuvwxyz');
  });

  it('throws the server’s error, typed, and a network failure as such', async () => {
    const refused = createApiClient({
      fetch: async () => jsonResponse(404, { error: 'not_found', message: '找不到' }),
    });
    await expect(refused.download('/api/rounds/x/exports/items.csv')).rejects.toMatchObject({
      status: 404,
      code: 'not_found',
    });
    const offline = createApiClient({
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    await expect(offline.download('/api/rounds/x/exports/items.csv')).rejects.toBeInstanceOf(NetworkError);
  });
});
