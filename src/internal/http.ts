/**
The transport: ky for the request, p-retry for the retries (ky's own retry is off), and
the ONE place that reads the `{ code, msg, data }` envelope. Both the HTTP status and the
body code decide success, because hosts answer HTTP 200 with `{"code":422,…}`.
*/
import type { KyInstance } from 'ky';
import type pRetryFunction from 'p-retry';
import type * as z from 'zod/mini';
import {
  apiErrorFor,
  ConnectionError,
  NotFoundError,
  RequestTimeoutError,
  ResponseValidationError,
  SunoCoverError,
} from '../errors.js';
import type { RetryEvent } from '../events.js';
import type { NormalizedOptions, RequestOptions } from '../options.js';
import { describeIssue, envelopeSchema } from '../schemas.js';
import type { WindowLimiter } from './limiter.js';
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
}

export interface Http {
  request<Schema extends z.ZodMiniType>(
    spec: RequestSpec<Schema>,
    options?: RequestOptions,
  ): Promise<z.output<Schema>>;
}

/** Marks the abort of our own per-attempt timer, to tell it from the caller's abort. */
class AttemptTimeout extends Error {}

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
  ): Promise<z.output<Schema>> {
    // Before the timeout starts: waiting for a slot is not the host being slow.
    await spec.limiter?.take(signal);
    const timer = new AbortController();
    const handle = setTimeout(() => timer.abort(new AttemptTimeout()), timeout);
    const combined = signal ? AbortSignal.any([signal, timer.signal]) : timer.signal;
    let status: number;
    let text: string;
    let headers: Headers;
    let statusText: string;
    try {
      const response = await api(spec.path, {
        method: spec.method,
        signal: combined,
        ...(spec.searchParams ? { searchParams: spec.searchParams } : {}),
        ...(spec.json === undefined ? {} : { json: spec.json }),
      });
      ({ status, headers, statusText } = response);
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timer.signal.aborted) throw new RequestTimeoutError(endpoint, timeout);
      // The cause is fetch's own error (refused, reset, DNS); it never holds the request headers.
      throw new ConnectionError(endpoint, describeNetworkError(error), { cause: error });
    } finally {
      clearTimeout(handle);
    }
    return readEnvelope(spec, endpoint, status, statusText, headers, text);
  }

  return {
    async request(spec, requestOptions = {}) {
      const endpoint = `${spec.method} /${spec.path}`;
      const { signal } = requestOptions;
      const timeout = requestOptions.timeout ?? options.timeout;
      const retries = requestOptions.maxRetries ?? options.maxRetries;
      try {
        const { api, pRetry } = await load();
        return await pRetry(() => attempt(api, spec, endpoint, timeout, signal), {
          retries,
          // The delay is ours (Retry-After or backoff), slept in shouldRetry; p-retry adds none.
          minTimeout: 0,
          maxTimeout: 0,
          ...(signal ? { signal } : {}),
          shouldRetry: async ({ error, retriesConsumed }) => {
            if (signal?.aborted || !(error instanceof SunoCoverError) || !isRetryable(error))
              return false;
            const delay = retryDelay(error, retriesConsumed + 1);
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
      }
    },
  };
}

function createKy(ky: typeof import('ky').default, options: NormalizedOptions): KyInstance {
  const userFetch = options.fetch;
  return ky.create({
    prefixUrl: options.baseUrl,
    retry: 0,
    throwHttpErrors: false,
    // The SDK times the whole attempt, body included, itself (see `attempt`).
    timeout: false,
    headers: {
      ...options.headers,
      accept: 'application/json',
      authorization: `Bearer ${options.apiKey}`,
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
): z.output<Schema> {
  const ok = status >= 200 && status < 300;
  const retryAfter = parseRetryAfter(headers.get('retry-after'));
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: an HTTP error decides below; a 2xx without JSON is a validation error.
  }
  const envelope = envelopeSchema.safeParse(body);
  if (envelope.success && envelope.data.code !== 200) {
    const { code, msg } = envelope.data;
    const details = { status, code, msg, endpoint, body, retryAfter };
    if (code !== 404 && spec.notFoundCodes?.includes(code)) throw new NotFoundError(details);
    throw apiErrorFor(details, true);
  }
  if (!ok) {
    const msg =
      envelope.success && envelope.data.msg ? envelope.data.msg : statusText || `HTTP ${status}`;
    throw apiErrorFor({ status, code: status, msg, endpoint, body, retryAfter }, false);
  }
  if (!envelope.success) {
    throw new ResponseValidationError(endpoint, body, [
      {
        path: [],
        message:
          typeof body === 'string' ? 'the body is not JSON' : 'not a { code, msg, data } envelope',
      },
    ]);
  }
  const { data } = envelope.data;
  if (spec.nullDataIsNotFound && (data === null || data === undefined)) {
    throw new NotFoundError({
      status,
      code: 404,
      msg: envelope.data.msg || 'no such record (data: null)',
      endpoint,
      body,
    });
  }
  const parsed = spec.data.safeParse(data);
  if (!parsed.success) {
    throw new ResponseValidationError(
      endpoint,
      body,
      parsed.error.issues.map((issue) => ({
        path: ['data', ...issue.path],
        message: describeIssue(issue),
      })),
    );
  }
  return parsed.data;
}

function describeNetworkError(error: unknown): string {
  const cause =
    error instanceof Error
      ? (error.cause as { code?: unknown; message?: unknown } | undefined)
      : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${message} (${code})` : message;
}
