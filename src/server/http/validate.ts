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
