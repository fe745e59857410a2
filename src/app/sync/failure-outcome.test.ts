/** The table from a failed request to what the engine does (docs/ARCHITECTURE.md, "What the engine does with each answer"). */
import { describe, expect, it } from 'vitest';
import { ApiRequestError, NetworkError } from '../api/api-client';
import { failureOutcome, missingPhotosOf, RunAborted } from './failure-outcome';

const answer = (status: number, code?: string, retryAfterSeconds?: number) =>
  new ApiRequestError(status, code as never, `answer ${status}`, {}, retryAfterSeconds);

describe('failureOutcome', () => {
  it.each([
    ['a cancelled run', new RunAborted('x'), { action: 'aborted' }],
    ['no network', new NetworkError('down', false), { action: 'retry', stop: 'offline', code: 'network' }],
    ['a timeout', new NetworkError('slow', true), { action: 'retry', stop: 'offline', code: 'timeout' }],
    [
      'something thrown that is no answer',
      new TypeError('boom'),
      { action: 'retry', stop: 'offline', code: 'network' },
    ],
    ['401', answer(401, 'unauthorized'), { action: 'pause' }],
    ['429', answer(429, 'too_many_attempts', 30), { action: 'retry', stop: 'rate_limited', retryAfterSeconds: 30 }],
    ['503', answer(503, 'unavailable', 5), { action: 'retry', stop: 'server_unavailable', retryAfterSeconds: 5 }],
    ['502 without a body', answer(502), { action: 'retry', stop: 'server_unavailable' }],
    ['500', answer(500, 'internal_error'), { action: 'retry', stop: undefined }],
    ['408', answer(408, 'request_timeout'), { action: 'retry', stop: undefined }],
    ['403', answer(403, 'forbidden'), { action: 'attention' }],
    ['409', answer(409, 'conflict'), { action: 'attention' }],
  ])('%s', (_, error, expected) => {
    const outcome = failureOutcome(error);
    expect(outcome.action).toBe(expected.action);
    if (outcome.action === 'retry') {
      expect(outcome.stop).toBe((expected as { stop?: string }).stop);
      expect(outcome.retryAfterSeconds).toBe((expected as { retryAfterSeconds?: number }).retryAfterSeconds);
      if ('code' in expected) expect(outcome.error.code).toBe(expected.code);
    }
    if (outcome.action === 'pause' || outcome.action === 'attention') {
      expect(outcome.error).toMatchObject({
        status: (error as ApiRequestError).status,
        message: error.message,
      });
    }
  });

  it('keeps the hashes a 422 lists, and says when it lists none', () => {
    const listed = new ApiRequestError(422, 'missing_photos', 'm', { missingPhotos: ['a', 7, 'b'] }, undefined);
    expect(missingPhotosOf(listed)).toEqual(['a', 'b']);
    expect(missingPhotosOf(new ApiRequestError(422, 'missing_photos', 'm', { missingPhotos: [] }, undefined))).toBe(
      undefined,
    );
    expect(missingPhotosOf(new ApiRequestError(422, 'missing_photos', 'm', {}, undefined))).toBe(undefined);
  });
});
