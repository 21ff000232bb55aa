/**
The transport: ky for the request, p-retry for the retries (ky's own retry is off), and
the ONE place that reads the `{ code, msg, data }` envelope. Both the HTTP status and the
body code decide success, because hosts answer HTTP 200 with `{"code":422,…}`.
*/
import type { KyInstance } from 'ky';
import type pRetryFunction from 'p-retry';
import type * as z from 'zod/mini';
import {
  ApiError,
  apiErrorFor,
  ConnectionError,
  NotFoundError,
  RequestTimeoutError,
  ResponseValidationError,
  SunoCoverError,
} from '../errors.js';
import type { RetryEvent } from '../events.js';
import { checkRequestOptions, type NormalizedOptions, type RequestOptions } from '../options.js';
import { describeIssue, envelopeSchema } from '../schemas.js';
import { concatBytes } from './bytes.js';
import type { WindowLimiter } from './limiter.js';
import type { Redact } from './log.js';
import { isRetryable, parseRetryAfter, retryDelay, sleep } from './retry.js';

/** One API call, described by the resource that makes it. */
export interface RequestSpec<Schema extends z.ZodMiniType> {
  method: 'GET' | 'POST';
  /** Path below the base URL, without a leading slash. */
  path: string;
  searchParams?: Record<string, string>;
  json?: unknown;
  /** Schema of the envelope's `data` on success. */
  data: Schema;
  /** Body codes that mean "no such record" on this endpoint (404 is always one). */
  notFoundCodes?: readonly number[];
  /** Whether `data: null` on success means "no such record". */
  nullDataIsNotFound?: boolean;
  /** A rate limit every attempt (retries too) waits on, right before it goes on the wire. */
  limiter?: WindowLimiter;
  /** The public method, for messages about its options, e.g. `covers.get()`. */
  caller: string;
}

export interface Http {
  request<Schema extends z.ZodMiniType>(
    spec: RequestSpec<Schema>,
    options?: RequestOptions,
  ): Promise<z.output<Schema>>;
}

/** Marks the abort of our own per-attempt timer, to tell it from the caller's abort. */
const timedOut = new Error('suno-cover: the attempt timed out');

const noop = () => {};

const decoder = new TextDecoder();

/**
The API never redirects. Following one would send the request (and a generate body with a
tokened callback URL) to another origin, and fetch forwards custom headers there.
*/
function refuseRedirect(response: Response, endpoint: string): void {
  const { status } = response;
  if (response.type !== 'opaqueredirect' && (status < 300 || status >= 400)) return;
  void response.body?.cancel().catch(noop);
  const location = response.headers.get('location');
  let where = '';
  try {
    // Origin and path only: a query may carry a token.
    if (location) {
      const url = new URL(location, response.url || undefined);
      where = ` to ${url.origin}${url.pathname}`;
    }
  } catch {
    // An unreadable Location is still a redirect, refused all the same.
  }
  throw new ApiError({
    status,
    code: status,
    msg: `the host answered with a redirect${where}, which the SDK refuses: the API never redirects, so check \`baseUrl\``,
    endpoint,
    body: null,
  });
}

/**
Reads a body as text, at most `maxBytes` (checked on the declared length first, then while
streaming, so an endless body stops at the cap), and no later than `stop` rejects.
*/
async function readText(
  response: Response,
  maxBytes: number,
  stop: Promise<never>,
  endpoint: string,
): Promise<string> {
  const tooLarge = () =>
    new ResponseValidationError(endpoint, undefined, [
      { path: [], message: `the body is larger than ${maxBytes} bytes (\`maxResponseBytes\`)` },
    ]);
  const body = response.body;
  if (Number(response.headers.get('content-length')) > maxBytes) {
    void body?.cancel().catch(noop);
    throw tooLarge();
  }
  if (!body) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), stop]);
      if (next.done) break;
      size += next.value.byteLength;
      if (size > maxBytes) throw tooLarge();
      chunks.push(next.value);
    }
  } catch (error) {
    void reader.cancel().catch(noop);
    throw error;
  }
  return decoder.decode(concatBytes(chunks, size));
}

let libraries: Promise<[typeof import('ky'), typeof import('p-retry')]> | undefined;

/**
ky and p-retry load with the first request, not with the SDK: ky builds a Request when it
loads, which starts Node's fetch machinery (~20 ms), and an app that only receives
callbacks never needs either.
*/
export function loadLibraries() {
  libraries ??= Promise.all([import('ky'), import('p-retry')]);
  return libraries;
}

interface Transport {
  api: KyInstance;
  pRetry: typeof pRetryFunction;
}

export function createHttp(options: NormalizedOptions, onRetry: (event: RetryEvent) => void): Http {
  let transport: Promise<Transport> | undefined;
  const load = () => {
    transport ??= loadLibraries().then(([{ default: ky }, { default: pRetry }]) => ({
      api: createKy(ky, options),
      pRetry,
    }));
    return transport;
  };

  async function attempt<Schema extends z.ZodMiniType>(
    api: KyInstance,
    spec: RequestSpec<Schema>,
    endpoint: string,
    timeout: number,
    signal: AbortSignal | undefined,
    number: number,
  ): Promise<z.output<Schema>> {
    // Before the timeout starts: waiting for a slot is not the host being slow.
    await spec.limiter?.take(signal);
    signal?.throwIfAborted();
    // One controller per attempt, combined with the caller's signal by hand: edge runtimes
    // lack AbortSignal.any, and Node may collect its dependent signals once only the
    // Response is referenced, after which an abort no longer reaches the body. The abort
    // frees the socket; the race against `stop` is what bounds the time, headers and body.
    const controller = new AbortController();
    let stopWith: (reason: unknown) => void = noop;
    const stop = new Promise<never>((_, reject) => {
      stopWith = reject;
    });
    // Handled by the races below; this only keeps a late rejection from being "unhandled".
    stop.catch(noop);
    const onAbort = () => {
      stopWith(signal?.reason);
      controller.abort(signal?.reason);
    };
    const handle = setTimeout(() => {
      stopWith(timedOut);
      controller.abort(timedOut);
    }, timeout);
    signal?.addEventListener('abort', onAbort, { once: true });
    const started = Date.now();
    let response: Response;
    let text: string;
    try {
      response = await Promise.race([
        api(spec.path, {
          method: spec.method,
          signal: controller.signal,
          ...(spec.searchParams ? { searchParams: spec.searchParams } : {}),
          ...(spec.json === undefined ? {} : { json: spec.json }),
        }),
        stop,
      ]);
      refuseRedirect(response, endpoint);
      text = await readText(response, options.maxResponseBytes, stop, endpoint);
    } catch (error) {
      controller.abort(timedOut);
      if (signal?.aborted) throw signal.reason;
      if (error instanceof SunoCoverError) throw error;
      const failure =
        error === timedOut
          ? new RequestTimeoutError(endpoint, timeout, host)
          : // The cause is fetch's own error (refused, reset, DNS); it never holds the request headers.
            new ConnectionError(
              endpoint,
              `could not reach ${host}: ${options.redact(describeNetworkError(error))}`,
              // The global fetch's own error never holds the request; a user's fetch (a
              // got- or axios-style wrapper) may attach its options, headers included.
              { cause: options.fetch ? sanitizedCause(error, options.redact) : error },
            );
      if (log.debugEnabled)
        log.debug(
          `${endpoint} failed after ${Date.now() - started} ms, attempt ${number}: ${failure.message}`,
        );
      throw failure;
    } finally {
      clearTimeout(handle);
      signal?.removeEventListener('abort', onAbort);
    }
    const { status, headers, statusText } = response;
    if (log.debugEnabled) {
      const requestId = headers.get('x-request-id') ?? headers.get('request-id');
      log.debug(
        `${endpoint} → HTTP ${status} in ${Date.now() - started} ms, attempt ${number}${requestId ? `, request id ${requestId}` : ''}`,
      );
    }
    return readEnvelope(spec, endpoint, status, statusText, headers, text, options.redact);
  }

  const { log } = options;
  const host = new URL(options.baseUrl).host;

  return {
    async request(spec, given) {
      const requestOptions = checkRequestOptions(`${spec.caller}`, given);
      const endpoint = `${spec.method} /${spec.path}`;
      // The caller's signal reaches this request through one listener shared by every
      // request on it (see `linkSignal`); p-retry, the attempts and the waits listen here.
      const link = requestOptions.signal && linkSignal(requestOptions.signal);
      const signal = link?.signal;
      const timeout = requestOptions.timeout ?? options.timeout;
      const retries = requestOptions.maxRetries ?? options.maxRetries;
      try {
        const { api, pRetry } = await load();
        return await pRetry((number) => attempt(api, spec, endpoint, timeout, signal, number), {
          retries,
          // The delay is ours (Retry-After or backoff), slept in shouldRetry; p-retry adds none.
          minTimeout: 0,
          maxTimeout: 0,
          ...(signal ? { signal } : {}),
          shouldRetry: async ({ error, retriesConsumed }) => {
            if (signal?.aborted || !(error instanceof SunoCoverError) || !isRetryable(error))
              return false;
            const delay = retryDelay(error, retriesConsumed + 1);
            // The host asks for longer than the user will wait: fail now, `retryAfter` says how long.
            if (delay > options.maxRetryAfter) {
              log.debug(
                `${endpoint}: not retried, the host asks to wait ${delay} ms (maxRetryAfter is ${options.maxRetryAfter} ms)`,
              );
              return false;
            }
            log.debug(
              `${endpoint}: retry ${retriesConsumed + 1} of ${retries} in ${delay} ms after ${error.name}: ${error.message}`,
            );
            onRetry({
              type: 'retry',
              endpoint,
              attempt: retriesConsumed + 1,
              delay,
              error,
              at: new Date(),
            });
            await sleep(delay, signal);
            return true;
          },
        });
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        throw error;
      } finally {
        link?.unlink();
      }
    },
  };
}

/** The requests in flight on each caller signal, aborted together by its one listener. */
const linked = new WeakMap<AbortSignal, Set<AbortController>>();

/**
A signal that aborts with `signal`, for one request. The tracker passes one signal to every
poll, and each request adds listeners (p-retry, the attempt, the waits): on the shared
signal itself, 11 polls in flight would make Node warn of a leak (MaxListenersExceeded).
Linked, the shared signal has one listener whatever the number of requests.
*/
function linkSignal(signal: AbortSignal): { signal: AbortSignal; unlink: () => void } {
  const controller = new AbortController();
  if (signal.aborted) {
    controller.abort(signal.reason);
    return { signal: controller.signal, unlink: noop };
  }
  let requests = linked.get(signal);
  if (!requests) {
    const all = new Set<AbortController>();
    requests = all;
    linked.set(signal, all);
    signal.addEventListener(
      'abort',
      () => {
        for (const request of all) request.abort(signal.reason);
        all.clear();
      },
      { once: true },
    );
  }
  const set = requests;
  set.add(controller);
  return { signal: controller.signal, unlink: () => set.delete(controller) };
}

function createKy(ky: typeof import('ky').default, options: NormalizedOptions): KyInstance {
  const userFetch = options.fetch;
  return ky.create({
    prefixUrl: options.baseUrl,
    retry: 0,
    throwHttpErrors: false,
    // Redirects are refused (see `refuseRedirect`), never followed.
    redirect: 'manual',
    // The SDK times the whole attempt, body included, itself (see `attempt`).
    timeout: false,
    headers: {
      ...options.headers,
      accept: 'application/json',
      // Checked here, by the first request, and not by the constructor: see `apiKey`.
      authorization: `Bearer ${options.apiKey()}`,
    },
    // Called unbound, and looked up per call so that a fetch patched later is used.
    fetch: (input, init) =>
      userFetch ? userFetch(input as Request, init) : globalThis.fetch(input, init),
  });
}

function readEnvelope<Schema extends z.ZodMiniType>(
  spec: RequestSpec<Schema>,
  endpoint: string,
  status: number,
  statusText: string,
  headers: Headers,
  text: string,
  redact: Redact,
): z.output<Schema> {
  const ok = status >= 200 && status < 300;
  const retryAfter = parseRetryAfter(headers.get('retry-after'));
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: an HTTP error decides below; a 2xx without JSON is a validation error.
  }
  // What an error keeps of the answer. A host may echo the Authorization header in its msg,
  // so host text is redacted here, on the error paths only: the data a call returns (image
  // URLs with a `token=` of their own among them) is never rewritten.
  const kept = (): unknown => {
    const clean = redact(text);
    if (clean === text) return body;
    try {
      return JSON.parse(clean);
    } catch {
      return clean;
    }
  };
  const envelope = envelopeSchema.safeParse(body);
  if (envelope.success && envelope.data.code !== 200) {
    const { code } = envelope.data;
    const details = {
      status,
      code,
      msg: redact(envelope.data.msg),
      endpoint,
      body: kept(),
      retryAfter,
    };
    if (code !== 404 && spec.notFoundCodes?.includes(code)) throw new NotFoundError(details);
    throw apiErrorFor(details, true);
  }
  if (!ok) {
    const msg = redact(
      envelope.success && envelope.data.msg ? envelope.data.msg : statusText || `HTTP ${status}`,
    );
    throw apiErrorFor({ status, code: status, msg, endpoint, body: kept(), retryAfter }, false);
  }
  if (!envelope.success) {
    throw new ResponseValidationError(endpoint, kept(), [
      {
        path: [],
        message:
          typeof body === 'string' ? 'the body is not JSON' : 'not a { code, msg, data } envelope',
      },
    ]);
  }
  const { data } = envelope.data;
  if (spec.nullDataIsNotFound && (data === null || data === undefined)) {
    // Said as the host said it: code 200 with no record, not an invented 404.
    const { code } = envelope.data;
    const msg = redact(envelope.data.msg);
    throw new NotFoundError({
      status,
      code,
      msg: `no such record (the host answered code ${code}${msg ? ` "${msg}"` : ''} with data: ${data === null ? 'null' : 'missing'})`,
      endpoint,
      body: kept(),
    });
  }
  const parsed = spec.data.safeParse(data);
  if (!parsed.success) {
    throw new ResponseValidationError(
      endpoint,
      kept(),
      parsed.error.issues.map((issue) => ({
        path: ['data', ...issue.path],
        message: describeIssue(issue),
      })),
    );
  }
  return parsed.data;
}

/** A plain copy of a user fetch's error: its message (redacted) and code, nothing else. */
function sanitizedCause(error: unknown, redact: Redact): Error {
  const copy = new Error(redact(error instanceof Error ? error.message : String(error)));
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') Object.assign(copy, { code });
  return copy;
}

function describeNetworkError(error: unknown): string {
  const cause =
    error instanceof Error
      ? (error.cause as { code?: unknown; message?: unknown } | undefined)
      : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  // undici says only "fetch failed"; the reason (ECONNREFUSED, "bad port") is in the cause.
  const reason = code ?? (typeof cause?.message === 'string' ? cause.message : undefined);
  return reason ? `${message} (${reason.slice(0, 200)})` : message;
}
