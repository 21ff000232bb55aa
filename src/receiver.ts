/**
Receiving callbacks: `suno.callbacks`. One pipeline — method, token, content type, size,
verify, parse, confirm — answers every request the same way whichever surface it came
through (`handle` for Fetch frameworks, `receive` in-process, `process` for adapters such
as `suno-cover/node`), and hands what it accepted to the tracker.
*/
import { decodeCallbackBody, readCallbackTaskId, toCoverCallback } from './callbacks.js';
import { isTerminalStatus } from './codes.js';
import {
  CallbackParseError,
  CallbackVerificationError,
  InvalidArgumentError,
  NotFoundError,
  SunoCoverError,
} from './errors.js';
import { concatBytes } from './internal/bytes.js';
import { constantTimeEqual } from './internal/compare.js';
import { checkKeys } from './internal/keys.js';
import type { NormalizedOptions } from './options.js';
import type { CoverCallback } from './schemas.js';
import { type HeadersLike, headerValue, verifyCallback } from './signature.js';
import { type Outcome, outcomeOfDetails, type ReportResult, type Tracker } from './tracker.js';

/** The input of `callbacks.process()`: one HTTP request, as an adapter sees it. */
export interface CallbackRequest {
  /** The raw body (string or bytes), or an object a body parser already made. */
  body: unknown;
  /** The request headers. */
  headers?: HeadersLike | undefined;
  /** The HTTP method; anything but POST is answered 405. */
  method?: string | undefined;
  /** The request URL (absolute, or a path with query), for the `callbackToken` check. */
  url?: string | undefined;
}

/** What to answer, and what to do once answered. */
export interface CallbackAnswer {
  /** 200, or 400/401/405/413/415/503 for a request that was not accepted. */
  status: number;
  /** A short JSON body: `{ received: true }` or `{ error, message }`. */
  body: { received: true } | { error: string; message: string };
  /**
  Dispatches the accepted callback to the tracker and listeners. Call it after the answer
  is sent; it never throws. A no-op for a request that was not accepted. With a shared
  `store` it returns a promise (that never rejects) of the settle being recorded and the
  client-level listeners having run: hand it to `waitUntil` on serverless platforms.
  */
  dispatch: () => void | Promise<void>;
}

/** A callback accepted by `receive()`. */
export interface ReceivedCallback {
  callback: CoverCallback;
  /** `true` when the task had already ended with this outcome: nothing new was dispatched. */
  duplicate: boolean;
}

/** Options of `handle()`. */
export interface HandleOptions {
  /**
  Where to run the dispatch after the answer, e.g. Cloudflare Workers' `ctx.waitUntil`
  (work after a Worker's answer is cancelled otherwise).
  @default a macrotask (`setTimeout(…, 0)`)
  */
  waitUntil?: ((promise: Promise<unknown>) => void) | undefined;
}

const noop = () => {};

const pending: (() => void)[] = [];
let flushArmedAt = 0;

function flush(): void {
  for (const dispatch of pending.splice(0)) dispatch();
}

/**
Runs a dispatch after the answers of this turn are written. One timer serves every
dispatch queued in the meantime: a timer per callback cost a busy receiver ~10 % of its
throughput.
*/
function afterAnswer(dispatch: () => void): void {
  const now = Date.now();
  // A flush timer that has not run within 100 ms was set by a Workers request that has
  // ended (its timers never fire): set another, or the queue would wait forever.
  if (pending.push(dispatch) === 1 || now - flushArmedAt > 100) {
    flushArmedAt = now;
    setTimeout(flush, 0);
  }
}

const jsonType = /^application\/(?:[\w.+-]+\+)?json\b/i;

/**
How long `confirmCallbacks` may take to ask the API, in ms, before the receiver answers
503 (the host retries): hosts give up on a receiver after 15 s.
*/
const confirmBudget = 5_000;

function reject(status: number, error: string, message: string): CallbackAnswer {
  return { status, body: { error, message }, dispatch: noop };
}

/** Answers for the errors of the pipeline. */
function answerFor(error: unknown): CallbackAnswer {
  if (error instanceof CallbackVerificationError) return reject(401, error.reason, error.message);
  if (error instanceof CallbackParseError) {
    return error.tooLarge
      ? reject(413, 'payload_too_large', error.message)
      : reject(400, 'invalid_callback', error.message);
  }
  // The detail (an API error, a host name) is for the log, not for whoever posted.
  if (error instanceof SunoCoverError)
    return reject(503, 'unavailable', 'the callback could not be confirmed now; retry later');
  throw error;
}

/** The outcome a callback reports. */
function outcomeOfCallback(callback: CoverCallback): Outcome {
  return callback.status === 'succeeded'
    ? {
        status: 'succeeded',
        parentTaskId: null,
        code: callback.code,
        message: callback.msg,
        images: callback.images,
      }
    : {
        status: 'failed',
        parentTaskId: null,
        code: callback.code,
        message: callback.msg,
        refunded: callback.refunded,
        retryable: callback.retryable,
      };
}

interface ReceiverDeps {
  options: NormalizedOptions;
  tracker: Tracker;
}

/** `suno.callbacks`: verify, parse and dispatch the callbacks the host POSTs. */
export class CallbackReceiver {
  readonly #deps: ReceiverDeps;
  #warned = false;

  constructor(deps: ReceiverDeps) {
    this.#deps = deps;
  }

  /** The body limits adapters must apply while reading: bytes, and ms to arrive. */
  get limits(): { maxCallbackBytes: number; callbackReadTimeout: number } {
    const { maxCallbackBytes, callbackReadTimeout } = this.#deps.options;
    return { maxCallbackBytes, callbackReadTimeout };
  }

  /**
  The Fetch-standard handler, for Next.js route handlers, Hono, Bun.serve, Deno.serve and
  Cloudflare Workers. Answers 200 once the callback is accepted and dispatches after, so
  listeners never delay or break the answer (the host waits 15 s at most). A repeat of a
  callback answers 200 and dispatches nothing new.

  Answers: 200 accepted · 400 not a valid callback (or a field past `CALLBACK_LIMITS`, or
  an image URL that is not http(s)) · 401 signature, token or confirmation failed · 405
  not POST · 413 body too large · 415 not JSON · 503 `confirmCallbacks` could not ask the
  API within 5 s (the host will retry). Error bodies are `{ error, message }`.

  @example
  ```ts
  // app/api/suno-cover/route.ts (Next.js App Router)
  export const POST = (request: Request) => suno.callbacks.handle(request);
  ```
  */
  async handle(request: Request, options: HandleOptions = {}): Promise<Response> {
    checkHandleOptions(options);
    const { maxCallbackBytes, callbackReadTimeout } = this.#deps.options;
    let answer: CallbackAnswer;
    if (request.method !== 'POST') {
      answer = reject(405, 'method_not_allowed', 'callbacks are POSTed');
    } else {
      const body = await readRequestBody(request, maxCallbackBytes, callbackReadTimeout);
      answer =
        typeof body === 'number'
          ? body === 413
            ? reject(413, 'payload_too_large', `the body is larger than ${maxCallbackBytes} bytes`)
            : reject(
                408,
                'request_timeout',
                `the body did not arrive within ${callbackReadTimeout} ms`,
              )
          : await this.process({
              body,
              headers: request.headers,
              method: 'POST',
              url: request.url,
            });
    }
    const response = Response.json(answer.body, { status: answer.status });
    if (answer.dispatch !== noop) {
      const { dispatch } = answer;
      if (options.waitUntil) {
        // Still after the answer; waitUntil only keeps the runtime alive until it has run.
        options.waitUntil(new Promise<void>((resolve) => afterAnswer(() => resolve(dispatch()))));
      } else {
        afterAnswer(dispatch);
      }
    }
    return response;
  }

  /**
  Verifies (when `webhookSecret` is set), parses and dispatches one callback, for
  frameworks that hand you the body. Resolves once listeners have run; throws
  `CallbackVerificationError` or `CallbackParseError` and dispatches nothing otherwise.

  @example
  ```ts
  const { callback, duplicate } = await suno.callbacks.receive(rawBody, headers);
  ```
  */
  async receive(
    body: unknown,
    headers?: HeadersLike,
    options: { url?: string } = {},
  ): Promise<ReceivedCallback> {
    if (options === null || typeof options !== 'object')
      throw new InvalidArgumentError('callbacks.receive(body, headers, options) takes { url }');
    checkKeys('callbacks.receive(body, headers, options)', options, ['url']);
    const callback = await this.#accept({ body, headers, url: options.url });
    const result = this.#dispatch(callback);
    return {
      callback,
      duplicate: (typeof result === 'string' ? result : await result) === 'duplicate',
    };
  }

  /**
  The pipeline without a framework: what to answer, and a `dispatch` to call once the
  answer is sent. For adapters (`suno-cover/node` uses it); most apps want `handle`.
  */
  async process(request: CallbackRequest): Promise<CallbackAnswer> {
    if (request.method !== undefined && request.method.toUpperCase() !== 'POST') {
      return reject(405, 'method_not_allowed', 'callbacks are POSTed');
    }
    const type = headerValue(request.headers, 'content-type');
    if (type && !jsonType.test(type)) {
      return reject(
        415,
        'unsupported_media_type',
        `expected application/json, got ${type.slice(0, 60)}`,
      );
    }
    try {
      const callback = await this.#accept(request);
      return {
        status: 200,
        body: { received: true },
        dispatch: () => {
          const result = this.#dispatch(callback);
          if (typeof result !== 'string') return result.then(noop);
        },
      };
    } catch (error) {
      const answer = answerFor(error);
      const { log } = this.#deps.options;
      if (log.debugEnabled) {
        log.debug(`callback refused with ${answer.status}: ${(error as Error).message}`);
      }
      return answer;
    }
  }

  /** Says once per client that callbacks are taken on trust, unless the user chose it. */
  #warnUnverified(): void {
    const { webhookSecret, callbackToken, confirmCallbacks, allowUnverifiedCallbacks, log } =
      this.#deps.options;
    this.#warned = true;
    if (
      webhookSecret !== undefined ||
      callbackToken !== undefined ||
      confirmCallbacks ||
      allowUnverifiedCallbacks
    )
      return;
    log.warn(
      'a callback was received without verification: anyone who knows the callback URL can forge one (and settle a wait with their own image URLs). ' +
        'Set `webhookSecret` (kie.ai signs callbacks), or `callbackToken` with the same value as the `token` query parameter of the callback URL (sunoapi.org and other hosts that do not sign), ' +
        'and/or `confirmCallbacks: true`. Set `allowUnverifiedCallbacks: true` to silence this warning.',
    );
  }

  /** Token, decode, verify, parse, confirm: throws the SDK's errors, dispatches nothing. */
  async #accept(request: CallbackRequest): Promise<CoverCallback> {
    const { callbackToken, webhookSecret, webhookTolerance, maxCallbackBytes, confirmCallbacks } =
      this.#deps.options;
    if (!this.#warned) this.#warnUnverified();
    if (callbackToken !== undefined) {
      const given = tokenOf(request.url);
      if (given === undefined || !constantTimeEqual(given, callbackToken)) {
        throw new CallbackVerificationError(
          'invalid_token',
          'the callback URL lacks the right `token` parameter',
        );
      }
    }
    const value = decodeCallbackBody(request.body, maxCallbackBytes);
    if (webhookSecret !== undefined) {
      const verified = verifyCallback({
        taskId: readCallbackTaskId(value) ?? '',
        headers: request.headers ?? {},
        secret: webhookSecret,
        tolerance: webhookTolerance,
      });
      // Synchronous on Node; only the WebCrypto path needs to be awaited.
      if (verified instanceof Promise) await verified;
    }
    // Strings of a body parsed here are fresh, and so are those of an object a body parser
    // made (express.json and its kind run JSON.parse): a receiver copies none. Copying them
    // cost a pre-parsed dispatch ~800 ns (a third of it); `parseCoverCallback` still copies
    // the strings of an object handed to it, which may be slices of a larger string.
    const callback = toCoverCallback(value, true);
    return confirmCallbacks ? this.#confirm(callback) : callback;
  }

  /**
  Checks a callback against the API's record of its task (hosts that do not sign) and
  returns the callback the API's record makes: code, message, images and refund all come
  from the API, never from the body. A task already settled is checked against its stored
  outcome (which came from the API) without a request; otherwise `tracker.confirm` asks,
  one request per task at a time, under the polls' caps, within `confirmBudget`.
  */
  async #confirm(callback: CoverCallback): Promise<CoverCallback> {
    const { taskId } = callback;
    let outcome = this.#deps.tracker.store.get(taskId)?.outcome;
    if (outcome === undefined) {
      let details: Awaited<ReturnType<Tracker['confirm']>>;
      try {
        details = await this.#deps.tracker.confirm(taskId, Date.now() + confirmBudget);
      } catch (error) {
        // A task this client tracks is real: its record may lag (hosts create it late), so
        // the host is asked to retry (503) rather than told the callback is forged (401).
        if (error instanceof NotFoundError && !this.#deps.tracker.isTracked(taskId)) {
          throw new CallbackVerificationError('unconfirmed', 'the API knows no such task', {
            cause: error,
          });
        }
        throw error;
      }
      if (!isTerminalStatus(details.status)) {
        // The record lags the callback: 503, and the host sends it again.
        throw new SunoCoverError(
          `the callback says ${callback.status} but the API still says ${details.status}`,
        );
      }
      outcome = outcomeOfDetails(details);
    }
    if (outcome.status !== callback.status) {
      throw new CallbackVerificationError(
        'unconfirmed',
        `the callback says ${callback.status} but the API says ${outcome.status}`,
      );
    }
    return outcome.status === 'succeeded'
      ? { status: 'succeeded', taskId, code: 200, msg: outcome.message, images: outcome.images }
      : {
          status: 'failed',
          taskId,
          code: outcome.code,
          msg: outcome.message,
          images: [],
          refunded: outcome.refunded,
          retryable: outcome.retryable,
        };
  }

  /** Hands an accepted callback to the tracker, then tells `callback` listeners. */
  #dispatch(callback: CoverCallback): ReportResult | Promise<ReportResult> {
    const result = this.#deps.tracker.report(
      callback.taskId,
      outcomeOfCallback(callback),
      'callback',
    );
    return typeof result === 'string'
      ? this.#dispatched(callback, result)
      : result.then((settled) => this.#dispatched(callback, settled));
  }

  #dispatched(callback: CoverCallback, result: ReportResult): ReportResult {
    this.#deps.tracker.emit(callback.taskId, 'callback', () => ({
      type: 'callback',
      taskId: callback.taskId,
      source: 'callback',
      at: new Date(),
      callback,
      duplicate: result === 'duplicate',
    }));
    const { log } = this.#deps.options;
    if (log.debugEnabled)
      log.debug(`callback for task ${callback.taskId}: ${callback.status} (${result})`);
    return result;
  }
}

function checkHandleOptions(options: HandleOptions): void {
  if (options === null || typeof options !== 'object')
    throw new InvalidArgumentError('callbacks.handle(request, options) takes { waitUntil }');
  checkKeys('callbacks.handle(request, options)', options, ['waitUntil']);
  if (options.waitUntil !== undefined && typeof options.waitUntil !== 'function') {
    throw new InvalidArgumentError(
      'callbacks.handle(): `waitUntil` must be a function, e.g. ctx.waitUntil.bind(ctx)',
    );
  }
}

function tokenOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url, 'http://localhost').searchParams.get('token') ?? undefined;
  } catch {
    return undefined;
  }
}

/**
Reads a Request body up to `maxBytes` within `timeout` ms. Returns the bytes, or 413/408.
The declared Content-Length is checked first, so an honest oversized body is refused unread.
*/
async function readRequestBody(
  request: Request,
  maxBytes: number,
  timeout: number,
): Promise<Uint8Array | 413 | 408> {
  const declared = Number(request.headers.get('content-length'));
  if (declared > maxBytes) return 413;
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeout);
  });
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), expired]);
      if (next === 'timeout') {
        void reader.cancel().catch(noop);
        return 408;
      }
      if (next.done) break;
      size += next.value.byteLength;
      if (size > maxBytes) {
        void reader.cancel().catch(noop);
        return 413;
      }
      chunks.push(next.value);
    }
  } catch {
    // The client went away mid-body: there is nobody to answer; treat it as empty.
    return new Uint8Array();
  } finally {
    clearTimeout(timer);
  }
  return concatBytes(chunks, size);
}
