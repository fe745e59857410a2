/**
 * The API suites' HTTP client: a small typed client on global fetch that sends exactly what a
 * test gives it (raw paths, headers, bodies) and returns status, headers, parsed JSON and bytes.
 */
import { sha256 } from './jpeg-bytes';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** The parsed JSON body; undefined when the response is not JSON. */
  body: T;
  /** The raw body. */
  bytes: Buffer;
}

export interface RawRequest {
  method: string;
  /** Sent as written (percent-escapes stay escaped): `/api/photos/..%2Fx`. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  token?: string | undefined;
}

/** The `{error, message}` body of API.md. */
export interface ErrorBody {
  error: string;
  message: string;
  issues?: { path: string; message: string }[];
  missingPhotos?: string[];
  [extra: string]: unknown;
}

export class ApiClient {
  constructor(readonly baseUrl: string) {}

  get<T = unknown>(path: string, token?: string): Promise<ApiResponse<T>> {
    return this.raw<T>({ method: 'GET', path, token });
  }

  post<T = unknown>(path: string, body: unknown, token?: string): Promise<ApiResponse<T>> {
    return this.json<T>('POST', path, body, token);
  }

  put<T = unknown>(path: string, body: unknown, token?: string): Promise<ApiResponse<T>> {
    return this.json<T>('PUT', path, body, token);
  }

  patch<T = unknown>(path: string, body: unknown, token?: string): Promise<ApiResponse<T>> {
    return this.json<T>('PATCH', path, body, token);
  }

  /** DELETE, with a JSON body when one is given (assignments). */
  delete<T = unknown>(path: string, token?: string, body?: unknown): Promise<ApiResponse<T>> {
    return body === undefined
      ? this.raw<T>({ method: 'DELETE', path, token })
      : this.json<T>('DELETE', path, body, token);
  }

  /** `PUT /api/photos/{sha256}` with the bytes; the hash defaults to the bytes' own. */
  putPhoto<T = unknown>(
    bytes: Uint8Array,
    token: string | undefined,
    options: { sha256?: string; contentType?: string } = {},
  ): Promise<ApiResponse<T>> {
    return this.raw<T>({
      method: 'PUT',
      path: `/api/photos/${options.sha256 ?? sha256(bytes)}`,
      headers: { 'content-type': options.contentType ?? 'image/jpeg' },
      body: bytes,
      token,
    });
  }

  /** Any method, path, headers and body, as given. */
  async raw<T = unknown>(request: RawRequest): Promise<ApiResponse<T>> {
    const headers = new Headers(request.headers);
    if (request.token !== undefined) headers.set('authorization', `Bearer ${request.token}`);
    const response = await fetch(this.baseUrl + request.path, {
      method: request.method,
      headers,
      body: request.body as BodyInit | undefined,
      redirect: 'manual',
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    const isJson = (response.headers.get('content-type') ?? '').includes('application/json');
    const body = (isJson && bytes.length > 0 ? JSON.parse(bytes.toString('utf8')) : undefined) as T;
    return { status: response.status, headers: response.headers, body, bytes };
  }

  private json<T>(method: string, path: string, body: unknown, token?: string): Promise<ApiResponse<T>> {
    return this.raw<T>({
      method,
      path,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      token,
    });
  }
}

export function expectStatus<T>(response: ApiResponse<T>, status: number, what: string): ApiResponse<T> {
  if (response.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response;
}
