/**
Downloading the cover images: `fetchCover`. Web-standard (fetch and streams only), so it
runs on edge runtimes; `suno-cover/node` builds `downloadCovers` on it. Retries run through
p-retry with the request layer's policy (internal/retry.ts), and one timer per attempt
bounds the headers and the body alike.
*/
import { DownloadError, type DownloadFailureReason, InvalidArgumentError } from './errors.js';
import { concatBytes } from './internal/bytes.js';
import { loadLibraries } from './internal/http.js';
import { checkKeys } from './internal/keys.js';
import {
  isRetryableHttpStatus,
  maxRetryAfter,
  parseRetryAfter,
  retryDelay,
  sleep,
} from './internal/retry.js';
import {
  checkDuration,
  checkHeaders,
  checkNumber,
  checkSignal,
  checkUrl,
  describe,
} from './options.js';

/** Options of `fetchCover()`. */
export interface FetchCoverOptions {
  /**
  Cancels the download, the body included; it rejects (or the body errors) with the
  signal's reason.
  @default undefined
  @example
  fetchCover(url, { signal: AbortSignal.timeout(120_000) })
  */
  signal?: AbortSignal | undefined;
  /**
  How many times a failed attempt is tried again: no answer, a timeout, HTTP 408, 429
  (after its `Retry-After`) or 5xx. Without `read`, only failures before the body starts
  are retried. 0 turns retries off.
  @default 3
  @example
  fetchCover(url, { retries: 5 })
  */
  retries?: number | undefined;
  /**
  Time allowed for one attempt, in ms: from the request until the whole body has been read
  (a slow reader counts too). Past it the attempt fails, and is retried.
  @default 60_000
  @example
  fetchCover(url, { timeout: 20_000 })
  */
  timeout?: number | undefined;
  /**
  The largest image accepted, in bytes: a bigger Content-Length fails at once, and a body
  that grows past it is cut off.
  @default 52_428_800 (50 MiB)
  @example
  fetchCover(url, { maxBytes: 10 * 1024 * 1024 })
  */
  maxBytes?: number | undefined;
  /**
  The `fetch` to use, e.g. one with a proxy agent. It is called unbound.
  @default globalThis.fetch
  @example
  fetchCover(url, { fetch: (input, init) => fetch(input, { ...init, dispatcher: proxyAgent }) })
  */
  fetch?: ((input: string, init?: RequestInit) => Promise<Response>) | undefined;
  /**
  Extra request headers (the image hosts need none; a proxy might).
  @default { accept: 'image/*' }
  @example
  fetchCover(url, { headers: { 'user-agent': 'my-app/1.0' } })
  */
  headers?: Record<string, string> | undefined;
}

/** `fetchCover()` options with `read`: the body is read inside the retry loop. */
export interface FetchCoverReadOptions<T> extends FetchCoverOptions {
  /**
  Reads the body inside the retry loop, for a sink that can start over (a buffer, a
  temporary file): a body cut short, a timeout or a broken connection while reading makes
  a new attempt, with a fresh response. `fetchCover` resolves with what `read` returns. An
  error `read` throws itself is not retried: it rejects as a `DownloadError` (reason
  `'write'`) with that error as `cause`.
  @example
  const bytes = await fetchCover(url, { read: (response) => response.arrayBuffer() })
  */
  read: (response: Response) => Promise<T>;
}

const defaultMaxBytes = 50 * 1024 * 1024;

/** What `Retry-After` said on a failed attempt, kept beside the error rather than on it. */
const retryAfters = new WeakMap<DownloadError, number>();

/**
Downloads a cover image: resolves with a `Response` whose status was 2xx and whose body is
an image (its content type says `image/…`; for `application/octet-stream` or none, the
first bytes must be a PNG, JPEG, GIF or WebP, and the content type is set from them).
Connection errors, timeouts, 408, 429 (after `Retry-After`) and 5xx are retried before the
body starts; the body stays bounded by `timeout` and `maxBytes`, and errors with a
`DownloadError` when it ends short of its Content-Length. Everything else rejects with a
`DownloadError`. Web-standard: runs on Node, Deno, Bun, edge runtimes and browsers.

@example
```ts
// Stream a cover to object storage, no disk involved.
const response = await fetchCover(images[0]);
await bucket.put(`covers/${taskId}-1.png`, response.body, {
  httpMetadata: { contentType: response.headers.get('content-type') ?? 'image/png' },
});
```
*/
export function fetchCover(url: string, options?: FetchCoverOptions): Promise<Response>;
export function fetchCover<T>(url: string, options: FetchCoverReadOptions<T>): Promise<T>;
export async function fetchCover<T>(
  url: string,
  options: FetchCoverOptions & { read?: ((response: Response) => Promise<T>) | undefined } = {},
): Promise<Response | T> {
  const settings = normalize(url, options);
  const { signal, retries } = settings;
  let attempts = 0;
  try {
    const [, { default: pRetry }] = await loadLibraries();
    return await pRetry(() => attempt(settings, ++attempts) as Promise<Response | T>, {
      retries,
      // The delay is ours (Retry-After or backoff), slept in shouldRetry; p-retry adds none.
      minTimeout: 0,
      maxTimeout: 0,
      ...(signal ? { signal } : {}),
      shouldRetry: async ({ error, retriesConsumed }) => {
        if (signal?.aborted || !(error instanceof DownloadError) || !isRetryableDownload(error))
          return false;
        const retryAfter = retryAfters.get(error);
        await sleep(
          retryAfter === undefined
            ? retryDelay(error, retriesConsumed + 1)
            : Math.min(retryAfter, maxRetryAfter),
          signal,
        );
        return true;
      },
    });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw error;
  }
}

/** Failures that may heal on another attempt, by the same reasoning as API requests. */
function isRetryableDownload(error: DownloadError): boolean {
  return error.reason === 'status'
    ? error.status !== undefined && isRetryableHttpStatus(error.status)
    : error.reason === 'connection' || error.reason === 'timeout' || error.reason === 'truncated';
}

interface Settings {
  url: string;
  signal: AbortSignal | undefined;
  retries: number;
  timeout: number;
  maxBytes: number;
  fetch: (input: string, init?: RequestInit) => Promise<Response>;
  headers: Record<string, string>;
  read: ((response: Response) => Promise<unknown>) | undefined;
}

const fetchCoverKeys = ['signal', 'retries', 'timeout', 'maxBytes', 'fetch', 'headers', 'read'];

function normalize(
  url: string,
  options: FetchCoverOptions & { read?: ((response: Response) => Promise<unknown>) | undefined },
): Settings {
  checkUrl('fetchCover(url)', url);
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(
      `fetchCover(url, options) takes an options object, got ${describe(options)}`,
    );
  }
  checkKeys('fetchCover(url, options)', options, fetchCoverKeys);
  checkSignal('fetchCover(url, options)', options.signal);
  const retries = checkNumber('retries', options.retries, 3, 0, 10);
  if (!Number.isInteger(retries)) {
    throw new InvalidArgumentError(`\`retries\` must be an integer from 0 to 10, got ${retries}`);
  }
  for (const name of ['fetch', 'read'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new InvalidArgumentError(
        `\`${name}\` must be a function, got ${describe(options[name])}`,
      );
    }
  }
  const userFetch = options.fetch;
  return {
    url: url.trim(),
    signal: options.signal,
    retries,
    timeout: checkDuration('timeout', options.timeout, 60_000),
    maxBytes: checkNumber(
      'maxBytes',
      options.maxBytes,
      defaultMaxBytes,
      1,
      Number.MAX_SAFE_INTEGER,
    ),
    // Looked up per call, so that a fetch patched later is used; called unbound.
    fetch: (input, init) => (userFetch ? userFetch(input, init) : globalThis.fetch(input, init)),
    // Checked as the client's are: no line break can smuggle a header, no value is echoed.
    headers: { accept: 'image/*', ...checkHeaders(options.headers) },
    read: options.read,
  };
}

const noop = () => {};

/**
One attempt: request, check the answer, and hand over a guarded body. The attempt's timer
and the caller's signal stay attached until the body is done (read, cancelled or failed),
so a body that stalls fails like a request that stalls.
*/
async function attempt(settings: Settings, attempts: number): Promise<unknown> {
  const { url, signal, timeout, maxBytes } = settings;
  const fail = (reason: DownloadFailureReason, message: string, status?: number, cause?: unknown) =>
    new DownloadError(
      { url, reason, message, attempts, status },
      cause === undefined ? undefined : { cause },
    );
  const controller = new AbortController();
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let body: ReadableStreamDefaultController<Uint8Array> | undefined;
  let stopped = false;
  let failure: unknown;
  const release = () => {
    stopped = true;
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  };
  /** Ends the attempt with `error`: the request or the body breaks off with it. */
  const stop = (error: unknown) => {
    if (stopped) return;
    release();
    failure = error;
    controller.abort(error);
    body?.error(error);
    reader?.cancel(error).catch(noop);
  };
  const onAbort = () => stop(signal?.reason);
  const timer = setTimeout(
    () =>
      stop(
        fail(
          'timeout',
          `it did not finish within ${timeout} ms (raise \`timeout\` if the host is slow)`,
        ),
      ),
    timeout,
  );
  // Combined by hand: AbortSignal.any is missing on some edge runtimes.
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort();

  let response: Response;
  try {
    response = await settings.fetch(url, {
      headers: settings.headers,
      signal: controller.signal,
      redirect: 'follow',
    });
  } catch (error) {
    stop(fail('connection', describeError(error), undefined, error));
    throw failure;
  }
  const { status, headers } = response;
  reader = response.body?.getReader();
  let received = 0;
  const head: Uint8Array[] = [];
  try {
    if (stopped) throw failure;
    if (status < 200 || status > 299) {
      const error = fail('status', `HTTP ${status}${hintFor(status)}`, status);
      const retryAfter = parseRetryAfter(headers.get('retry-after'));
      if (retryAfter !== undefined) retryAfters.set(error, retryAfter);
      throw error;
    }
    const declared = Number(headers.get('content-length') ?? Number.NaN);
    if (declared > maxBytes) {
      throw fail(
        'too_large',
        `it is ${declared} bytes, more than \`maxBytes\` (${maxBytes})`,
        status,
      );
    }
    let type = headers.get('content-type')?.trim().toLowerCase() ?? '';
    if (!type.startsWith('image/')) {
      // S3 and some CDNs serve images as octet-stream: then the first bytes tell.
      const sniffed = /^((application|binary)\/octet-stream\b|$)/.test(type)
        ? sniff(await readHead(reader, head))
        : undefined;
      if (!sniffed) {
        throw fail(
          'not_image',
          `the answer is not an image (content type: ${type || 'none'}); the URL may have expired`,
          status,
        );
      }
      type = sniffed;
    }
    for (const chunk of head) received += chunk.byteLength;
    // fetch decodes a compressed body, so then its length is no longer the header's.
    const expected =
      Number.isFinite(declared) && !headers.get('content-encoding') ? declared : undefined;
    const guarded = new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          body = controller;
          for (const chunk of head) controller.enqueue(chunk);
        },
        async pull(controller) {
          let next: ReadableStreamReadResult<Uint8Array>;
          try {
            next = reader ? await reader.read() : { done: true, value: undefined };
          } catch (error) {
            stop(fail('truncated', `the connection broke after ${received} bytes`, status, error));
            return;
          }
          if (stopped) return;
          if (next.done) {
            // An empty body is never an image.
            if (received === 0 || (expected !== undefined && received < expected)) {
              const what = expected ? `after ${received} of ${expected} bytes` : 'empty';
              stop(fail('truncated', `the body ended ${what}`, status));
              return;
            }
            release();
            controller.close();
            return;
          }
          received += next.value.byteLength;
          if (received > maxBytes) {
            stop(fail('too_large', `it is more than \`maxBytes\` (${maxBytes}) bytes`, status));
            return;
          }
          controller.enqueue(next.value);
        },
        cancel(reason) {
          release();
          return reader?.cancel(reason);
        },
      }),
      { status, statusText: response.statusText, headers: withType(headers, type) },
    );
    if (!settings.read) return guarded;
    try {
      return await settings.read(guarded);
    } catch (error) {
      stop(fail('write', `saving the image failed: ${describeError(error)}`, status, error));
      // The body's own failure (truncated, timeout, abort) wins over what `read` made of it.
      throw failure;
    } finally {
      // `read` may leave the body unread: end the attempt either way.
      if (!stopped) {
        release();
        reader?.cancel().catch(noop);
      }
    }
  } catch (error) {
    // Reading the first bytes can break off too: a body cut short, like any other.
    stop(
      error instanceof DownloadError
        ? error
        : fail('truncated', `the connection broke: ${describeError(error)}`, status, error),
    );
    throw failure;
  }
}

function withType(headers: Headers, type: string): Headers {
  const copy = new Headers(headers);
  copy.set('content-type', type);
  return copy;
}

/** Reads the first chunks of a body, at least 12 bytes when there are, into `head`. */
async function readHead(
  reader: ReadableStreamDefaultReader<Uint8Array> | undefined,
  head: Uint8Array[],
): Promise<Uint8Array> {
  let size = 0;
  while (reader && size < 12) {
    const next = await reader.read();
    if (next.done) break;
    head.push(next.value);
    size += next.value.byteLength;
  }
  return concatBytes(head, size);
}

/** The image type of the first bytes, for the formats hosts serve. */
function sniff(bytes: Uint8Array): string | undefined {
  const text = String.fromCharCode(...bytes.subarray(0, 12));
  if (text.startsWith('\x89PNG')) return 'image/png';
  if (text.startsWith('\xff\xd8\xff')) return 'image/jpeg';
  if (text.startsWith('GIF8')) return 'image/gif';
  if (text.startsWith('RIFF') && text.slice(8) === 'WEBP') return 'image/webp';
  return undefined;
}

function hintFor(status: number): string {
  if (status === 403 || status === 404 || status === 410)
    return ': the URL may have expired (hosts keep images for days, not forever)';
  return '';
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof code === 'string' ? `${message} (${code})` : message;
}
