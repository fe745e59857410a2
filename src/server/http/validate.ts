/**
 * Request bodies and path parameters checked with the domain's zod schemas. A violation is a
 * 400 with `issues: [{path, message}]` (API.md); nothing is written before this passes.
 */
import * as z from 'zod/mini';
import { SHA256, toSchemaIssues, uuidSchema } from '../../domain/wire';
import { ApiError } from './api-error';

export function parseBody<S extends z.ZodMiniType>(schema: S, body: unknown): z.output<S> {
  if (body === undefined || body === null || typeof body !== 'object' || isStream(body)) {
    throw new ApiError('invalid_request', '请求体必须是 JSON 对象或数组 (the body must be JSON)', {
      issues: [{ path: '', message: 'expected a JSON body' }],
    });
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issues = toSchemaIssues(parsed.error);
    throw new ApiError(
      'invalid_request',
      `请求内容不符合要求：${issues
        .slice(0, 3)
        .map((i) => `${i.path || '(body)'} ${i.message}`)
        .join('; ')}`,
      { issues },
    );
  }
  return parsed.data;
}

function isStream(body: object): boolean {
  return typeof (body as { pipe?: unknown }).pipe === 'function';
}

export function sha256Param(value: string): string {
  if (!SHA256.test(value)) throw new ApiError('invalid_hash');
  return value;
}

export function uuidParam(value: string): string {
  if (!uuidSchema.safeParse(value).success) throw new ApiError('invalid_id', '编号必须是 UUID (the id must be a UUID)');
  return value;
}

/**
 * NUL (PostgreSQL refuses it in text: a 500 there, stored as-is by SQLite) or a lone UTF-16
 * surrogate (both engines store U+FFFD instead, so a retry would no longer compare equal).
 */
const LONE_SURROGATE = /\p{Cs}/u;

/** True for text that both engines store exactly as given. */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && !LONE_SURROGATE.test(value);
}

/**
 * The path (`answers.3.note`) of the first string or key inside a parsed JSON value or query
 * that is not storable text, or undefined when all are. Iterative: a body nested 100,000 levels
 * deep must not overflow the stack.
 */
export function findUnstorableText(value: unknown, root = ''): string | undefined {
  const pending: [unknown, string][] = [[value, root]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [current, path] = next;
    if (typeof current === 'string') {
      if (!isStorableText(current)) return path;
    } else if (Array.isArray(current)) {
      current.forEach((entry, index) => pending.push([entry, join(path, String(index))]));
    } else if (isPlainObject(current)) {
      for (const [key, entry] of Object.entries(current)) {
        if (!isStorableText(key)) return join(path, key);
        pending.push([entry, join(path, key)]);
      }
    }
  }
  return undefined;
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** Parsed JSON objects and query objects (whose prototype is not always Object's); not streams or buffers. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && !isStream(value);
}

/** Rejects, before any route runs, a JSON body or query string holding text the database cannot store. */
export function rejectUnstorableText(request: { query: unknown; body: unknown }): void {
  const where = findUnstorableText(request.query, 'query') ?? findUnstorableText(request.body);
  if (where === undefined) return;
  const message = 'text may not contain NUL characters or unpaired surrogates';
  throw new ApiError('invalid_request', `请求中含有无法保存的字符 (${where || 'body'})`, {
    issues: [{ path: where, message }],
  });
}
