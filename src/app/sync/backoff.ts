/**
 * Retry timing for the outbox (one concern: how long to wait). Exponential backoff with "full
 * jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter"): the n-th consecutive
 * failure waits a uniformly random time in [0, min(cap, base · 2ⁿ)), so phones that lost the
 * network together do not come back in lock-step. Base 1 s, cap 5 minutes. A 429 or 503 with
 * `Retry-After` waits what the server asked instead.
 */

export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 5 * 60_000;
/** Longest `Retry-After` honoured as is; a larger value (a misconfigured proxy) is clamped to it. */
export const RETRY_AFTER_MAX_MS = 60 * 60_000;

/**
 * The wait before the next try after `attempt` consecutive failures (0 for the first failure).
 * `random` returns a number in [0, 1) like Math.random; 1 gives the upper bound of the window.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.floor(Number.isFinite(attempt) ? attempt : 0));
  // 2 ** 30 s is far past the cap: stop growing there so the number stays small.
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(exponent, 30));
  const fraction = Math.min(1, Math.max(0, random()));
  return Math.floor(fraction * ceiling);
}

/** The wait a `Retry-After: <seconds>` asks for, at least 1 s and at most an hour. */
export function retryAfterMs(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds <= 0) return BACKOFF_BASE_MS;
  return Math.min(RETRY_AFTER_MAX_MS, Math.max(BACKOFF_BASE_MS, Math.round(seconds * 1000)));
}
