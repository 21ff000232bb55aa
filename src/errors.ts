/** The `name` of every {@link ApiError}. */
type ApiErrorName =
  | 'ApiError'
  | 'BadRequestError'
  | 'AuthenticationError'
  | 'InsufficientCreditsError'
  | 'NotFoundError'
  | 'RateLimitError'
  | 'ServiceUnavailableError'
  | 'ServerError';

/** The `name` of every {@link ConnectionError}. */
type ConnectionErrorName = 'ConnectionError' | 'RequestTimeoutError';

/** The `name` of every error suno-cover throws: one literal per class. */
type SunoCoverErrorName =
  | 'SunoCoverError'
  | 'InvalidArgumentError'
  | ApiErrorName
  | ConnectionErrorName
  | 'ResponseValidationError'
  | 'CallbackParseError'
  | 'CallbackVerificationError'
  | 'ListenerError'
  | 'TaskFailedError'
  | 'TaskTimeoutError'
  | 'ClientClosedError'
  | 'DownloadError';

/**
An app that both imports (ESM) and requires (CJS) suno-cover holds two copies of every
class, and plain `instanceof` fails across them. So each class's prototype carries a brand
from the global symbol registry, keyed by the class's static `name` (which minifiers keep,
unlike the class binding), and `instanceof` checks for it.
*/
// Not cached: `Symbol.for` (~100 ns) is small beside building an Error (~2 µs, the stack),
// and a cache cost an app that only parses and verifies callbacks 22 bytes of its 4 KB.
const brandOf = (name: string): symbol => Symbol.for(`suno-cover.${name}`);
const nativeHasInstance = Function.prototype[Symbol.hasInstance];

/** A class whose instances are `T`, whatever its constructor takes. */
type Class<T> = abstract new (...args: never[]) => T;

/** Whether `value` is an instance of the class named `name`, by brand: of any copy. */
const isBranded = (value: unknown, name: string): boolean =>
  typeof value === 'object' && value !== null && brandOf(name) in value;

/** Brands the prototypes from `target` up to `SunoCoverError`, once per class. */
function brand(target: Class<unknown>): void {
  for (let type = target; type !== Error; type = Object.getPrototypeOf(type)) {
    const key = brandOf(type.name);
    // Classes are branded from the leaf up, so a branded class has branded ancestors.
    if (Object.hasOwn(type.prototype, key)) return;
    Object.defineProperty(type.prototype, key, { value: true });
  }
}

/**
The root of every error suno-cover throws. Catch this to catch them all; aborting a call
with an `AbortSignal` rejects with the signal's reason instead, as `fetch` does.

`instanceof` works across the ESM and the CJS copy of the package in one app: an error
thrown by a client loaded with `import` is an instance of the classes loaded with
`require`, subclasses included.
*/
export class SunoCoverError extends Error {
  static override readonly name: string = 'SunoCoverError';
  /** The class name, e.g. `'NotFoundError'`. */
  declare readonly name: SunoCoverErrorName;

  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    brand(new.target);
    this.name = new.target.name as SunoCoverErrorName;
  }

  /** Plain `instanceof` first (one copy, the common case), then the brand of another copy. */
  static override [Symbol.hasInstance]<T>(this: Class<T>, value: unknown): value is T {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class right of `instanceof`
    return nativeHasInstance.call(this, value) || isBranded(value, this.name);
  }
}

/** A method or the client was called with an argument or option it cannot use. */
export class InvalidArgumentError extends SunoCoverError {
  static override readonly name = 'InvalidArgumentError';
  declare readonly name: 'InvalidArgumentError';
}

/** What {@link ApiError} and its subclasses are built from. */
export interface ApiErrorDetails {
  /** HTTP status of the answer. */
  status: number;
  /** Body `code` of the envelope; the HTTP status when the body was not an envelope. */
  code: number;
  /** Body `msg` verbatim (may be in any language); the HTTP status text otherwise. */
  msg: string;
  /** Method and path, e.g. `GET /api/v1/suno/cover/record-info`. */
  endpoint: string;
  /** The parsed body, or its text when it was not JSON. */
  body: unknown;
  /** How long the host asked to wait before retrying (ms), from `Retry-After`. */
  retryAfter?: number | undefined;
}

/**
The host answered, and the answer was an error: by HTTP status, by the body `code` of the
`{ code, msg, data }` envelope, or both (hosts answer HTTP 200 with body code 422).
Subclasses exist where callers branch; other codes arrive as a plain `ApiError`.
*/
export class ApiError extends SunoCoverError {
  static override readonly name: string = 'ApiError';
  declare readonly name: ApiErrorName;
  /** HTTP status of the answer. */
  readonly status: number;
  /** Body `code` of the envelope (see `ApiCode`); the HTTP status when there was none. */
  readonly code: number;
  /** The host's `msg`, verbatim. Never branch on it: hosts translate it. */
  readonly msg: string;
  /** Method and path that failed, e.g. `POST /api/v1/suno/cover/generate`. */
  readonly endpoint: string;
  /** The parsed response body (or its text). */
  readonly body: unknown;
  /** Milliseconds the host asked to wait (`Retry-After`), when it said. */
  readonly retryAfter: number | undefined;

  constructor(details: ApiErrorDetails, hint?: string) {
    const where =
      details.status === details.code
        ? `HTTP ${details.status}`
        : `code ${details.code}, HTTP ${details.status}`;
    super(
      `${details.endpoint} failed: ${details.msg || 'no message'} (${where})${hint ? `. ${hint}` : ''}`,
    );
    this.status = details.status;
    this.code = details.code;
    this.msg = details.msg;
    this.endpoint = details.endpoint;
    this.body = details.body;
    this.retryAfter = details.retryAfter;
  }
}

/** 400, 413 or 422: the request was invalid. The message says which parameter. */
export class BadRequestError extends ApiError {
  static override readonly name = 'BadRequestError';
  declare readonly name: 'BadRequestError';
}

/** 401: the API key is missing, wrong or revoked. */
export class AuthenticationError extends ApiError {
  static override readonly name = 'AuthenticationError';
  declare readonly name: 'AuthenticationError';
  constructor(details: ApiErrorDetails) {
    super(details, 'Check the API key: pass { apiKey } to new SunoCover() or set SUNO_API_KEY');
  }
}

/** 402 (and 429 in one host's older scheme, see `msg`): not enough credits. */
export class InsufficientCreditsError extends ApiError {
  static override readonly name = 'InsufficientCreditsError';
  declare readonly name: 'InsufficientCreditsError';
  constructor(details: ApiErrorDetails) {
    super(details, 'Top up the account, then submit again');
  }
}

/** 404, or a record-info answer that says the task does not exist. */
export class NotFoundError extends ApiError {
  static override readonly name = 'NotFoundError';
  declare readonly name: 'NotFoundError';
}

/** 429, 430 or 405 (older scheme): too many requests. `retryAfter` is set when known. */
export class RateLimitError extends ApiError {
  static override readonly name = 'RateLimitError';
  declare readonly name: 'RateLimitError';
}

/** 455 (maintenance) or 503: the host is temporarily unavailable. */
export class ServiceUnavailableError extends ApiError {
  static override readonly name = 'ServiceUnavailableError';
  declare readonly name: 'ServiceUnavailableError';
}

/** HTTP 5xx, or body code 500, 501 or 505. */
export class ServerError extends ApiError {
  static override readonly name = 'ServerError';
  declare readonly name: 'ServerError';
}

/** No answer came: DNS, refused or reset connection, TLS failure. `cause` holds the reason. */
export class ConnectionError extends SunoCoverError {
  static override readonly name: string = 'ConnectionError';
  declare readonly name: ConnectionErrorName;
  /** Method and path that failed. */
  readonly endpoint: string;
  constructor(endpoint: string, message: string, options?: ErrorOptions) {
    super(`${endpoint} failed: ${message}`, options);
    this.endpoint = endpoint;
  }
}

/** No answer came within the request `timeout`. */
export class RequestTimeoutError extends ConnectionError {
  static override readonly name = 'RequestTimeoutError';
  declare readonly name: 'RequestTimeoutError';
  /** The timeout that passed, in ms. */
  readonly timeout: number;
  constructor(endpoint: string, timeout: number, host?: string) {
    super(
      endpoint,
      `no response${host ? ` from ${host}` : ''} within ${timeout} ms (raise the client's \`timeout\` option if the host is slow)`,
    );
    this.timeout = timeout;
  }
}

/** The host answered success, but the body does not have the documented shape. */
export class ResponseValidationError extends SunoCoverError {
  static override readonly name = 'ResponseValidationError';
  declare readonly name: 'ResponseValidationError';
  /** Method and path whose answer was unexpected. */
  readonly endpoint: string;
  /** The parsed body (or its text). */
  readonly body: unknown;
  /** What did not match, as `{ path, message }` pairs from the schema. */
  readonly issues: readonly { path: readonly PropertyKey[]; message: string }[];
  constructor(endpoint: string, body: unknown, issues: ResponseValidationError['issues']) {
    const first = issues
      .slice(0, 3)
      .map(
        (issue) =>
          `${issue.path.length ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`,
      )
      .join('; ');
    super(`${endpoint} answered with an unexpected body: ${first || 'not a JSON envelope'}`);
    this.endpoint = endpoint;
    this.body = body;
    this.issues = issues;
  }
}

/** Body codes that read as a rate limit in one of the hosts' schemes. */
const rateLimitCodes = new Set([405, 429, 430]);

/**
Picks the error class for an answer. `fromBody` says whether `code` came from an envelope:
405 in a body is the older scheme's rate limit, while HTTP 405 is "method not allowed".
*/
export function apiErrorFor(details: ApiErrorDetails, fromBody: boolean): ApiError {
  const { code } = details;
  if (code === 401) return new AuthenticationError(details);
  if (code === 402) return new InsufficientCreditsError(details);
  if (code === 404) return new NotFoundError(details);
  if (code === 429 || (fromBody && rateLimitCodes.has(code))) return new RateLimitError(details);
  if (code === 455 || code === 503) return new ServiceUnavailableError(details);
  if (code === 400 || code === 413 || code === 422) return new BadRequestError(details);
  if (code >= 500 && code < 600) return new ServerError(details);
  return new ApiError(details);
}

/**
A callback body is not a valid cover callback: not JSON, the wrong shape, no task id, or
too large. The message says what was wrong and where.
*/
export class CallbackParseError extends SunoCoverError {
  static override readonly name = 'CallbackParseError';
  declare readonly name: 'CallbackParseError';
  /** Where in the body the problem is, e.g. `data.taskId`; empty for the whole body. */
  readonly path: string;
  /** The body was refused for its size, unread (a receiver answers 413). */
  readonly tooLarge: boolean;
  constructor(message: string, path = '', options?: ErrorOptions & { tooLarge?: boolean }) {
    super(`Invalid cover callback${path ? ` at ${path}` : ''}: ${message}`, options);
    this.path = path;
    this.tooLarge = options?.tooLarge === true;
  }
}

/** Why a callback failed verification, one value each. */
export type CallbackVerificationReason =
  | 'missing_signature'
  | 'missing_timestamp'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_in_future'
  | 'invalid_signature'
  | 'missing_task_id'
  | 'invalid_token'
  | 'unconfirmed';

/** A callback could not be proven to come from the host; nothing was dispatched. */
export class CallbackVerificationError extends SunoCoverError {
  static override readonly name = 'CallbackVerificationError';
  declare readonly name: 'CallbackVerificationError';
  /** Which check failed. */
  readonly reason: CallbackVerificationReason;
  constructor(reason: CallbackVerificationReason, message: string, options?: ErrorOptions) {
    super(`Cover callback rejected (${reason}): ${message}`, options);
    this.reason = reason;
  }
}

/** A listener of an SDK event threw or rejected; delivery to other listeners went on. */
export class ListenerError extends SunoCoverError {
  static override readonly name = 'ListenerError';
  declare readonly name: 'ListenerError';
  /** The event whose listener failed. */
  readonly event: string;
  constructor(event: string, cause: unknown) {
    super(
      `A '${event}' listener threw: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.event = event;
  }
}

/** A cover task ended without images. `wait()` rejects with this. */
export class TaskFailedError extends SunoCoverError {
  static override readonly name = 'TaskFailedError';
  declare readonly name: 'TaskFailedError';
  /** The cover task id. */
  readonly taskId: string;
  /** The host's code (see `CallbackCode`), or the record's `errorCode`. */
  readonly code: number;
  /** The host's message, verbatim. */
  readonly msg: string;
  /** Credits were refunded (531). */
  readonly refunded: boolean;
  /** Submitting again may work (408, 500, 531). */
  readonly retryable: boolean;
  /** How the failure became known. */
  readonly source: 'submit' | 'callback' | 'poll';
  constructor(details: {
    taskId: string;
    code: number;
    msg: string;
    refunded: boolean;
    retryable: boolean;
    source: 'submit' | 'callback' | 'poll';
  }) {
    super(
      `Cover task ${details.taskId} failed with code ${details.code}: ${details.msg || 'no message'}${
        details.refunded ? ' (credits refunded)' : ''
      }`,
    );
    this.taskId = details.taskId;
    this.code = details.code;
    this.msg = details.msg;
    this.refunded = details.refunded;
    this.retryable = details.retryable;
    this.source = details.source;
  }
}

/** A `wait()` gave up before the task ended. The task may still end later. */
export class TaskTimeoutError extends SunoCoverError {
  static override readonly name = 'TaskTimeoutError';
  declare readonly name: 'TaskTimeoutError';
  readonly taskId: string;
  /** The last status seen, or `'unknown'` before the first poll. */
  readonly lastStatus: 'pending' | 'generating' | 'unknown';
  /** How long the wait lasted, in ms. */
  readonly waited: number;
  constructor(taskId: string, lastStatus: TaskTimeoutError['lastStatus'], waited: number) {
    super(
      `Gave up waiting for cover task ${taskId} after ${waited} ms (last status: ${lastStatus})`,
    );
    this.taskId = taskId;
    this.lastStatus = lastStatus;
    this.waited = waited;
  }
}

/** The client was closed: waits end, and nothing new is tracked. */
export class ClientClosedError extends SunoCoverError {
  static override readonly name = 'ClientClosedError';
  declare readonly name: 'ClientClosedError';
  constructor() {
    super('The SunoCover client was closed (suno.close()); create a new one to track tasks');
  }
}

/** Why a download failed, one value each. */
export type DownloadFailureReason =
  /** No answer, or the connection broke before the headers. */
  | 'connection'
  /** The attempt did not finish (headers and body) within `timeout`. */
  | 'timeout'
  /** The host answered with an HTTP error; see `status`. */
  | 'status'
  /** The answer was not an image (an HTML error page, JSON). */
  | 'not_image'
  /** The body ended early: fewer bytes than its Content-Length, or the connection broke. */
  | 'truncated'
  /** The image is larger than `maxBytes`. */
  | 'too_large'
  /** Saving the image failed (a full disk, no permission); see `cause`. */
  | 'write';

/**
An image could not be downloaded (`fetchCover`, `downloadCovers`), after `attempts` tries
when the failure was worth retrying. No partial file is left behind.
*/
export class DownloadError extends SunoCoverError {
  static override readonly name = 'DownloadError';
  declare readonly name: 'DownloadError';
  /** The image URL, in full (the message leaves out its query, which may hold a signature). */
  readonly url: string;
  /** The HTTP status of the last answer, when there was one. */
  readonly status: number | undefined;
  /** How many attempts were made. */
  readonly attempts: number;
  /** What went wrong. */
  readonly reason: DownloadFailureReason;
  constructor(
    details: {
      url: string;
      reason: DownloadFailureReason;
      message: string;
      attempts: number;
      status?: number | undefined;
    },
    options?: ErrorOptions,
  ) {
    const { url, reason, attempts, status } = details;
    super(
      `Downloading ${url.split(/[?#]/)[0]} failed${
        attempts > 1 ? ` after ${attempts} attempts` : ''
      }: ${details.message}`,
      options,
    );
    this.url = url;
    this.reason = reason;
    this.attempts = attempts;
    this.status = status;
  }
}
