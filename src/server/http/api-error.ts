/**
 * API errors in the `{error, message, ...}` form of API.md, with the status from the shared
 * catalogue. Route code throws `ApiError`; the error handler turns it, and Fastify's own
 * errors (bad JSON, body too large, wrong content type), into that form. Nothing thrown for
 * bad input ever becomes a 5xx.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { ERRORS, type ErrorCode } from '../../domain/errors';
import { loggedPath } from './logged-path';

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message ?? ERRORS[code].zh);
    this.status = ERRORS[code].status;
  }
}

/** Fastify's own error codes that mean bad input, mapped onto ours. */
const FASTIFY_INPUT_ERRORS: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_CTP_EMPTY_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
};

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) {
      if (typeof error.extra.retryAfterSeconds === 'number')
        void reply.header('Retry-After', String(error.extra.retryAfterSeconds));
      return reply.status(error.status).send({ error: error.code, message: error.message, ...error.extra });
    }
    const code =
      (error.code && FASTIFY_INPUT_ERRORS[error.code]) ?? (error instanceof SyntaxError ? 'malformed_json' : undefined);
    if (code) return reply.status(ERRORS[code].status).send({ error: code, message: ERRORS[code].zh });
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send({ error: 'invalid_request', message: error.message });
    }
    if (isClientFault(error)) {
      // The client hung up or broke its body's framing: its doing, not a fault to page anyone for.
      const code = (error as NodeJS.ErrnoException).code ?? error.message;
      request.log.info({ code, method: request.method, path: loggedPath(request.url) }, 'client aborted the request');
      return reply.status(400).send({ error: 'invalid_request', message: ERRORS.invalid_request.zh });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ error: 'internal_error', message: ERRORS.internal_error.zh });
  });
}

/** Errors of the connection or the body's framing, which only the client can cause. */
const CLIENT_FAULT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

function isClientFault(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return CLIENT_FAULT_CODES.has(code) || code.startsWith('HPE_');
}
