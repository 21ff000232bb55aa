/**
The retry policy, in one place. The request layer (`http.ts`) runs the loop with p-retry
and asks this module two questions: may this failure be retried, and after how long.

- Retried: no answer at all (connection error, request timeout), HTTP 408/429/5xx (but 501
  and 505, which do not heal), and body codes 408/429/430/455/500/503.
- Never retried: 400/401/402/404/409/422 and every other code, in the body or the status.
  The body code decides when there is one: HTTP 500 carrying `{"code":422}` is not retried.
- Delay: the host's `Retry-After` (seconds or an HTTP date); otherwise exponential backoff
  from 0.5 s, doubling, capped at 8 s, minus up to 25 % jitter.
- A `Retry-After` longer than the client's `maxRetryAfter` (60 s) is not waited out: the
  call fails at once with the error, whose `retryAfter` tells the caller how long.
*/
import { ApiError, ConnectionError, type SunoCoverError } from '../errors.js';

/** The longest `Retry-After` waited out by default (the client's `maxRetryAfter`; downloads use it as is), in ms. */
export const maxRetryAfter = 60_000;
/** The first backoff delay without `Retry-After`, in ms. */
export const baseBackoff = 500;
/** The longest backoff delay without `Retry-After`, in ms. */
export const maxBackoff = 8_000;

const retryableBodyCodes = new Set([408, 429, 430, 455, 500, 503]);

export function isRetryableHttpStatus(status: number): boolean {
  return (
    status === 408 ||
    status === 429 ||
    (status >= 500 && status < 600 && status !== 501 && status !== 505)
  );
}

/** Whether a failed attempt may be tried again. */
export function isRetryable(error: SunoCoverError): boolean {
  if (error instanceof ConnectionError) return true;
  if (!(error instanceof ApiError)) return false;
  // `code === status` when the body had no envelope code of its own: the HTTP status decides.
  return (
    retryableBodyCodes.has(error.code) ||
    (error.code === error.status && isRetryableHttpStatus(error.status))
  );
}

/**
How long to wait before retry number `retry` (1 for the first retry).
@param random - A number in [0, 1), for the jitter.
*/
export function retryDelay(error: SunoCoverError, retry: number, random = Math.random()): number {
  if (error instanceof ApiError && error.retryAfter !== undefined) {
    return error.retryAfter;
  }
  const exponential = Math.min(baseBackoff * 2 ** (retry - 1), maxBackoff);
  return Math.round(exponential * (1 - 0.25 * random));
}

/**
Reads a `Retry-After` header: delta-seconds or an HTTP date. Returns ms (never negative),
or `undefined` when absent or unreadable.
*/
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. Leaves no timer. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
