/**
Body codes of the API's `{ code, msg, data }` envelope, as the hosts document them.

Hosts also send codes that are not listed here; they are kept as plain numbers and never
crash the SDK. Two schemes exist: the current one, and an older one of one host where 405
is a rate limit, 429 means insufficient credits and 430 means "too frequent". The SDK
treats 429 as a rate limit (retried a bounded number of times) and keeps `msg` so the
difference stays visible.

@example
```ts
import { ApiCode, ApiError } from 'suno-cover';
if (error instanceof ApiError && error.code === ApiCode.InsufficientCredits) { … }
```
*/
export const ApiCode = {
  /** The request succeeded. */
  Success: 200,
  /** Validation error, or "cover already generated" (then `data.taskId` is the existing task). */
  BadRequest: 400,
  /** The API key is missing or wrong. */
  Unauthorized: 401,
  /** The account has not enough credits. */
  InsufficientCredits: 402,
  /** The resource (a music or cover task) does not exist. */
  NotFound: 404,
  /** Rate limited (older scheme of one host). */
  RateLimitedLegacy: 405,
  /** Upstream produced nothing for over 10 minutes, or the request timed out. */
  Timeout: 408,
  /** A cover record already exists for this music task. */
  Conflict: 409,
  /** Text too long (older scheme of one host). */
  PayloadTooLarge: 413,
  /** Validation error; also "Record does not exist" on record-info. */
  ValidationError: 422,
  /** Rate limited (in the older scheme: insufficient credits — see `msg`). */
  RateLimited: 429,
  /** Requests too frequent (older scheme of one host). */
  TooFrequent: 430,
  /** The host is under maintenance. */
  Maintenance: 455,
  /** Unexpected server error. */
  ServerError: 500,
  /** Generation failed. */
  GenerationFailed: 501,
  /** Service unavailable. */
  ServiceUnavailable: 503,
  /** The feature is disabled. */
  FeatureDisabled: 505,
} as const;

/** One of the documented {@link ApiCode} values. Unknown codes arrive as plain `number`s. */
export type ApiCode = (typeof ApiCode)[keyof typeof ApiCode];

/**
`successFlag` of Get Cover Details (`record-info`). Note the order: 1 is success, 2 is
generating.
*/
export const SuccessFlag = {
  /** Submitted, not started. */
  Pending: 0,
  /** Images are ready in `response.images`. */
  Success: 1,
  /** Generation is running. */
  Generating: 2,
  /** Generation failed; see `errorCode` and `errorMessage`. */
  Failed: 3,
} as const;

/** One of the documented {@link SuccessFlag} values. */
export type SuccessFlag = (typeof SuccessFlag)[keyof typeof SuccessFlag];

/**
The state of a cover task, derived from `successFlag` and the error fields.

- `pending` — submitted, not started (flag 0, or a flag the SDK does not know).
- `generating` — running (flag 2).
- `succeeded` — images are ready (flag 1).
- `failed` — flag 3, or an error reported before the flag says so.
*/
export const CoverStatus = {
  Pending: 'pending',
  Generating: 'generating',
  Succeeded: 'succeeded',
  Failed: 'failed',
} as const;

/** `'pending' | 'generating' | 'succeeded' | 'failed'`. */
export type CoverStatus = (typeof CoverStatus)[keyof typeof CoverStatus];

/** Whether a status is final: the task will not change any more. */
export function isTerminalStatus(status: CoverStatus): status is 'succeeded' | 'failed' {
  return status === 'succeeded' || status === 'failed';
}

/**
The `code` of a callback body. The host calls back once a task has ended, so every
callback is final for its task; other codes may appear and are kept as numbers (an
unknown code is a failure).

@example
```ts
import { CallbackCode } from 'suno-cover';
if (callback.code === CallbackCode.FailedRefunded) offerRetry();
```
*/
export const CallbackCode = {
  /** Success: `data.images` holds the image URLs (usually 2). */
  Success: 200,
  /** Validation error: the request parameters were invalid. */
  ValidationError: 400,
  /** Rate limited, or timed out upstream. Submitting again later may work. */
  RateLimited: 408,
  /** Unexpected server error while processing the task. Submitting again may work. */
  ServerError: 500,
  /** Cover generation failed. */
  GenerationFailed: 501,
  /** Generation failed and the credits were refunded; the user may retry. */
  FailedRefunded: 531,
} as const;

/** One of the documented {@link CallbackCode} values. Unknown codes arrive as plain `number`s. */
export type CallbackCode = (typeof CallbackCode)[keyof typeof CallbackCode];

/** Whether a callback code reports success (200). */
export function isSuccessCode(code: number): boolean {
  return code === CallbackCode.Success;
}

/**
Whether a callback code ends its task. Always true: hosts call back only when a task has
succeeded, failed or errored. Kept so that code reads as what it means.
*/
export function isTerminalCode(code: number): boolean {
  return Number.isInteger(code);
}

/** Whether the host refunded the credits of the failed task (531). */
export function isRefundedCode(code: number): boolean {
  // A literal, as in isRetryableCode: reading CallbackCode would bundle the whole table
  // into an app that only parses callbacks.
  return code === 531;
}

/**
Whether submitting the music task for a cover again is sensible: 408 (rate limited or
timed out), 500 (server error) and 531 (failed, refunded) may well work on a new try;
400 and 501 will not.
*/
export function isRetryableCode(code: number): boolean {
  return code === 408 || code === 500 || code === 531;
}
