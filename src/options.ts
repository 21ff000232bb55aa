import { InvalidArgumentError } from './errors.js';
import { type Api, type HostProfile, hostProfileOf } from './hosts.js';
import { checkKeys } from './internal/keys.js';
import {
  createLog,
  createRedact,
  displayUrl,
  type Log,
  type Logger,
  type LogLevel,
  logLevels,
  type Redact,
} from './internal/log.js';
import { maxRetryAfter } from './internal/retry.js';
import { checkCallbackUrlReachable } from './reachability.js';
import type { TaskStore } from './store.js';

/**
Options of `new SunoCover(options)`. Every option is optional when its environment
variable is set.
*/
export interface ClientOptions {
  /**
  Your API key, sent as `Authorization: Bearer <apiKey>`. Never logged, never in an error.
  Checked by the first API request, not here: a client that only receives callbacks needs
  none, and a build (`next build`) that creates the client at module scope works without it.
  @default process.env.SUNO_API_KEY
  @example
  new SunoCover({ apiKey: 'sk-…' })
  */
  apiKey?: string | undefined;
  /**
  The host to talk to. Every documented host serves the same paths. The host decides the
  defaults of `creditsPath`, `submitRate`, `maxPollsPerSecond` and `api` (see the README's
  host table); a host the SDK does not know gets sunoapi.org's.
  @default process.env.SUNO_BASE_URL ?? 'https://api.sunoapi.org'
  @example
  new SunoCover({ baseUrl: 'https://api.kie.ai' })
  */
  baseUrl?: string | undefined;
  /**
  Which route submits and reads cover tasks. `'legacy'` is `/api/v1/suno/cover/*`, served by
  every host; `'market'` is kie.ai's Market jobs API (`/api/v1/jobs/createTask` and
  `/api/v1/jobs/recordInfo`), which kie.ai's newest docs document in its place. Every method,
  event and result is the same either way, and the receiver takes callbacks of both shapes
  whatever this says. Refused on a known host that does not serve the route.
  @default the host's (`'legacy'` on every known host)
  @example
  new SunoCover({ baseUrl: 'https://api.kie.ai', api: 'market' })
  */
  api?: Api | undefined;
  /**
  The `callBackUrl` sent with every generate call that does not give its own. Without
  either, the SDK sends {@link NO_CALLBACK_URL} and results arrive by polling.
  @default undefined
  @example
  new SunoCover({ callbackUrl: 'https://example.com/api/suno-cover?token=…' })
  */
  callbackUrl?: string | undefined;
  /** The API's own spelling of {@link ClientOptions.callbackUrl}; either works, not both. */
  callBackUrl?: string | undefined;
  /**
  Send callback URLs that no public host can reach. By default, while `baseUrl` is a public
  host, a callback URL on localhost, a private, loopback, link-local or unique-local address
  (IPv4 or IPv6), a `.local`, `.internal` or `.home.arpa` name, or a name without a dot is
  refused with `InvalidArgumentError` before anything is sent: the host could never deliver
  there. Set this when the host can reach it all the same (e.g. a proxy inside your network).
  @default false
  @example
  new SunoCover({ baseUrl: 'https://api.kie.ai', callbackUrl: 'http://10.0.0.5/hook', allowPrivateCallbackUrl: true })
  */
  allowPrivateCallbackUrl?: boolean | undefined;
  /**
  The account's `webhookHmacKey` (kie.ai), to verify signed callbacks. Never logged.
  @default process.env.SUNO_WEBHOOK_SECRET
  @example
  new SunoCover({ webhookSecret: process.env.KIE_WEBHOOK_HMAC_KEY })
  */
  webhookSecret?: string | undefined;
  /**
  How far a signed callback's timestamp may be from now, either way, in seconds.
  @default 300
  @example
  new SunoCover({ webhookSecret, webhookTolerance: 60 })
  */
  webhookTolerance?: number | undefined;
  /**
  For hosts that do not sign callbacks: a secret you also put in your callback URL as
  `?token=…`. The receiver answers 401 to any callback without it. Never logged.
  @default undefined
  @example
  new SunoCover({ callbackUrl: `https://example.com/suno?token=${token}`, callbackToken: token })
  */
  callbackToken?: string | undefined;
  /**
  Re-read each callback's task with `covers.get()` before trusting it (for hosts that do
  not sign): the outcome — code, message, images, refund — is then the API's, never the
  body's, and the receiver answers 401 when the API disagrees or knows no such task.
  Confirmations share `maxPollsPerSecond` and `maxConcurrentPolls` with polling, one
  request per task at a time (repeats share it; a settled task needs none); when the API
  cannot be asked within 5 s the receiver answers 503 and the host retries.
  @default false
  @example
  new SunoCover({ baseUrl: 'https://api.sunoapi.org', confirmCallbacks: true })
  */
  confirmCallbacks?: boolean | undefined;
  /**
  Receive callbacks without `webhookSecret`, `callbackToken` or `confirmCallbacks` without a
  warning. Such a receiver accepts any forged callback; the SDK warns once (through
  `logger`) the first time it receives one, unless this says you chose it knowingly.
  @default false
  @example
  new SunoCover({ allowUnverifiedCallbacks: true }) // e.g. behind your own authenticating proxy
  */
  allowUnverifiedCallbacks?: boolean | undefined;
  /**
  The largest callback body the receiver reads, in bytes (413 past it).
  @default 65_536
  @example
  new SunoCover({ maxCallbackBytes: 16 * 1024 })
  */
  maxCallbackBytes?: number | undefined;
  /**
  How long the receiver waits for a callback body to arrive, in ms (408 past it).
  @default 10_000
  @example
  new SunoCover({ callbackReadTimeout: 5_000 })
  */
  callbackReadTimeout?: number | undefined;
  /**
  Bounds of the store of recent task outcomes, which makes repeated callbacks idempotent
  and lets a late `wait()` settle at once: the oldest go first past `maxSize` entries or
  `maxAge` ms.
  @default { maxSize: 10_000, maxAge: 3_600_000 }
  @example
  new SunoCover({ recentOutcomes: { maxSize: 100_000, maxAge: 24 * 3_600_000 } })
  */
  recentOutcomes?: { maxSize?: number | undefined; maxAge?: number | undefined } | undefined;
  /**
  A task store shared by several clients (instances, processes, serverless invocations), so
  that each task settles once per fleet, waits settle on every instance, client-level
  `succeeded`/`failed` listeners run on one instance, and tracked tasks survive a crash.
  Without it, each client keeps its outcomes in its own memory (`recentOutcomes`). Give each
  client its own store object. See "Running many instances" in the README.
  @default undefined (this process only)
  @example
  new SunoCover({ store: redisStore(new Redis(process.env.REDIS_URL)) })
  */
  store?: TaskStore | undefined;
  /**
  How often a tracked task is polled with Get Cover Details, in ms. The API's docs
  recommend 30 seconds.
  @default 30_000
  @example
  new SunoCover({ pollInterval: 10_000 })
  */
  pollInterval?: number | undefined;
  /**
  `'always'` polls every tracked task until it ends, callback or not: the safety net for
  callbacks that never arrive. `'callback-only'` never polls (waits end by callback or
  timeout).
  @default 'always'
  @example
  new SunoCover({ callbackUrl, pollingMode: 'callback-only' })
  */
  pollingMode?: 'always' | 'callback-only' | undefined;
  /**
  Polls in flight at once, at most, across all tracked tasks.
  @default 4
  @example
  new SunoCover({ maxConcurrentPolls: 2 })
  */
  maxConcurrentPolls?: number | undefined;
  /**
  Poll requests per second, at most, across all tracked tasks (kie.ai allows 10 status
  requests per second per key).
  @default the host's: 8 on kie.ai, 5 elsewhere
  @example
  new SunoCover({ maxPollsPerSecond: 8 })
  */
  maxPollsPerSecond?: number | undefined;
  /**
  At most `limit` generate calls start in any `interval` ms; more wait their turn in
  order. kie.ai drops generation requests past 20 per 10 s (other hosts do not say; the
  default assumes the same, with headroom).
  @default the host's: { limit: 18, interval: 10_000 }
  @example
  new SunoCover({ submitRate: { limit: 10, interval: 10_000 } })
  */
  submitRate?: { limit?: number | undefined; interval?: number | undefined } | undefined;
  /**
  How long `wait()` waits by default, in ms (`Infinity`: forever).
  @default 900_000 (15 minutes)
  @example
  new SunoCover({ waitTimeout: 5 * 60_000 })
  */
  waitTimeout?: number | undefined;
  /**
  How long a task nobody waits for is tracked before the SDK gives up on it with a
  `timeout` event, in ms.
  @default 3_600_000 (1 hour)
  @example
  new SunoCover({ trackTimeout: 6 * 3_600_000 })
  */
  trackTimeout?: number | undefined;
  /**
  How long a tracked task may read as unknown (record-info answers "no such record") before
  the SDK believes it, in ms. Hosts create the record a little after the generate answer:
  until then polls treat "unknown" as still pending. `covers.get()` itself throws
  `NotFoundError` at once.
  @default 300_000 (5 minutes)
  @example
  new SunoCover({ unknownTaskGrace: 60_000 })
  */
  unknownTaskGrace?: number | undefined;
  /**
  Time allowed for one request attempt, until its whole body has arrived, in ms.
  @default 60_000
  @example
  new SunoCover({ timeout: 20_000 })
  */
  timeout?: number | undefined;
  /**
  How many times a failed request is retried (see the README's retry policy). 0 turns
  retries off.
  @default 2
  @example
  new SunoCover({ maxRetries: 0 })
  */
  maxRetries?: number | undefined;
  /**
  The longest `Retry-After` the SDK waits out before a retry, in ms. When a host asks for
  longer, the call fails at once with the `RateLimitError` (or `ServiceUnavailableError`)
  whose `retryAfter` says how long it asked for, rather than block for minutes; a poll
  pauses polling for at most this long.
  @default 60_000
  @example
  new SunoCover({ maxRetryAfter: 5 * 60_000 }) // a batch job that may wait
  */
  maxRetryAfter?: number | undefined;
  /**
  The largest API answer read, in bytes. A body past it (declared or streamed) is dropped
  unread and the call fails with `ResponseValidationError`; real answers are under 2 KB.
  @default 1_048_576 (1 MiB)
  @example
  new SunoCover({ maxResponseBytes: 64 * 1024 })
  */
  maxResponseBytes?: number | undefined;
  /**
  How much the SDK logs: `'debug'` logs every request (method, path, status, attempt,
  duration, the host's request id), retry, poll and callback; `'warn'` only what you should
  fix (e.g. callbacks received without verification). Secrets are always redacted.
  @default process.env.SUNO_COVER_LOG ?? 'warn'
  @example
  new SunoCover({ logLevel: 'debug' })
  */
  logLevel?: LogLevel | undefined;
  /**
  Where the SDK logs: anything with `error`, `warn`, `info` and `debug` methods.
  @default console
  @example
  new SunoCover({ logLevel: 'debug', logger: pino() })
  */
  logger?: Logger | undefined;
  /**
  The `fetch` to use, e.g. one with a proxy agent. It is called unbound.
  @default globalThis.fetch
  @example
  new SunoCover({ fetch: (request, init) => fetch(request, { ...init, dispatcher: proxyAgent }) })
  */
  fetch?: ((input: Request, init?: RequestInit) => Promise<Response>) | undefined;
  /**
  Extra headers sent with every request.
  @default {}
  @example
  new SunoCover({ headers: { 'X-Request-Source': 'my-app' } })
  */
  headers?: Record<string, string> | undefined;
  /**
  The path of the remaining-credits endpoint, for `suno.credits()`.
  @default the host's: 'api/v1/chat/credit' on kie.ai, else 'api/v1/generate/credit'
  @example
  new SunoCover({ baseUrl: 'https://proxy.example.com', creditsPath: 'api/v1/chat/credit' })
  */
  creditsPath?: string | undefined;
}

/** Options of a single call. */
export interface RequestOptions {
  /**
  Cancels the call, including the wait between retries; it rejects with the signal's reason.
  @default undefined
  @example
  await suno.covers.get(id, { signal: AbortSignal.timeout(5_000) })
  */
  signal?: AbortSignal | undefined;
  /**
  Overrides the client's `timeout` for this call, in ms (1 to 2 147 483 647).
  @default the client's `timeout` (60 s)
  @example
  await suno.credits({ timeout: 5_000 })
  */
  timeout?: number | undefined;
  /**
  Overrides the client's `maxRetries` for this call (an integer from 0 to 10).
  @default the client's `maxRetries` (2)
  @example
  await suno.covers.get(id, { maxRetries: 0 })
  */
  maxRetries?: number | undefined;
}

/** Client options after defaults and validation. Internal: holds the secrets. */
export interface NormalizedOptions {
  /** The checked API key; throws `InvalidArgumentError` when it is missing or malformed. */
  apiKey: () => string;
  baseUrl: string;
  /** What the SDK knows of the host `baseUrl` names (sunoapi.org's for an unknown host). */
  host: HostProfile;
  api: Api;
  callbackUrl: string | undefined;
  allowPrivateCallbackUrl: boolean;
  webhookSecret: string | undefined;
  webhookTolerance: number;
  callbackToken: string | undefined;
  confirmCallbacks: boolean;
  maxCallbackBytes: number;
  callbackReadTimeout: number;
  recentOutcomes: { maxSize: number; maxAge: number };
  store: TaskStore | undefined;
  pollInterval: number;
  pollingMode: 'always' | 'callback-only';
  maxConcurrentPolls: number;
  maxPollsPerSecond: number;
  waitTimeout: number;
  trackTimeout: number;
  unknownTaskGrace: number;
  maxRetryAfter: number;
  maxResponseBytes: number;
  allowUnverifiedCallbacks: boolean;
  log: Log;
  redact: Redact;
  submitRate: { limit: number; interval: number };
  timeout: number;
  maxRetries: number;
  fetch: ((input: Request, init?: RequestInit) => Promise<Response>) | undefined;
  headers: Record<string, string>;
  creditsPath: string;
}

export const defaultBaseUrl = 'https://api.sunoapi.org';

/** The longest delay a JavaScript timer can hold. */
const maxTimer = 2_147_483_647;

function readEnv(name: string): string | undefined {
  // Edge runtimes have no `process`; Deno and Bun have one.
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  const value = env?.[name]?.trim();
  return value ? value : undefined;
}

/** Checks that `value` is an absolute http(s) URL; returns it without trailing slashes. */
export function checkUrl(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidArgumentError(
      `\`${name}\` must be a non-empty URL string, got ${describe(value)}`,
    );
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new InvalidArgumentError(
      `\`${name}\` is not a valid absolute URL: "${displayUrl(value.trim().slice(0, 200))}"`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidArgumentError(`\`${name}\` must be an http(s) URL, got "${url.protocol}"`);
  }
  return value.trim().replace(/\/+$/, '');
}

export function checkDuration(name: string, value: unknown, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > maxTimer) {
    throw new InvalidArgumentError(
      `\`${name}\` must be a number of milliseconds from ${min} to ${maxTimer}, got ${describe(value)}`,
    );
  }
  return value;
}

export function checkNumber(
  name: string,
  value: unknown,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new InvalidArgumentError(
      `\`${name}\` must be a number from ${min} to ${max}, got ${describe(value)}`,
    );
  }
  return value;
}

function checkPollingMode(value: unknown): 'always' | 'callback-only' {
  if (value === undefined) return 'always';
  if (value === 'always' || value === 'callback-only') return value;
  throw new InvalidArgumentError(
    `\`pollingMode\` must be 'always' or 'callback-only', got ${describe(value)}`,
  );
}

export function checkRetries(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 10) {
    throw new InvalidArgumentError(
      `\`maxRetries\` must be an integer from 0 to 10, got ${describe(value)}`,
    );
  }
  return value;
}

/** A short, secret-free description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string')
    return value.length > 40 ? `a string of ${value.length} characters` : `"${value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : typeof value;
}

/** Every key of {@link ClientOptions}, for the unknown-key check. */
const clientOptionKeys = [
  'apiKey',
  'baseUrl',
  'api',
  'callbackUrl',
  'callBackUrl',
  'allowPrivateCallbackUrl',
  'webhookSecret',
  'webhookTolerance',
  'callbackToken',
  'confirmCallbacks',
  'allowUnverifiedCallbacks',
  'maxCallbackBytes',
  'callbackReadTimeout',
  'recentOutcomes',
  'store',
  'pollInterval',
  'pollingMode',
  'maxConcurrentPolls',
  'maxPollsPerSecond',
  'submitRate',
  'waitTimeout',
  'trackTimeout',
  'unknownTaskGrace',
  'timeout',
  'maxRetries',
  'maxRetryAfter',
  'maxResponseBytes',
  'logLevel',
  'logger',
  'fetch',
  'headers',
  'creditsPath',
] as const satisfies readonly (keyof ClientOptions)[];

/** Checks a nested options object (`recentOutcomes`, `submitRate`): an object with known keys. */
function checkNested<T extends object>(
  name: string,
  value: T | undefined,
  keys: readonly string[],
): Partial<T> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidArgumentError(
      `\`${name}\` must be an object { ${keys.join(', ')} }, got ${describe(value)}`,
    );
  }
  checkKeys(`\`${name}\``, value, keys);
  return value;
}

/**
Header values may hold visible ASCII, spaces and tabs (and Latin-1, which `Headers` takes):
a CR, LF or NUL would let a value smuggle a header, and `Headers` throws a TypeError that
quotes the whole value — an API key among them.
*/
const headerValue = /^[\t\x20-\x7e\x80-\xff]*$/;
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function checkApiKey(apiKey: unknown): string {
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    // Only the type is named: a wrong value might still be a real key.
    throw new InvalidArgumentError(
      `Missing API key: pass { apiKey } to new SunoCover() or set the SUNO_API_KEY environment variable${
        apiKey === undefined
          ? ''
          : ` (got ${typeof apiKey === 'string' ? 'an empty string' : typeof apiKey})`
      }`,
    );
  }
  const trimmed = apiKey.trim();
  if (!/^[\x21-\x7e]+$/.test(trimmed)) {
    throw new InvalidArgumentError(
      '`apiKey` holds a character an API key cannot have (a space, line break, control or non-ASCII character): copy the key again from the dashboard',
    );
  }
  return trimmed;
}

export function checkHeaders(value: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (value === undefined) return headers;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidArgumentError(
      `\`headers\` must be an object of header names to strings, got ${describe(value)}`,
    );
  }
  for (const [name, item] of Object.entries(value)) {
    if (!headerName.test(name)) {
      throw new InvalidArgumentError(
        `\`headers\` has an invalid header name ${describe(name)}: use letters, digits and - only`,
      );
    }
    if (typeof item !== 'string') {
      throw new InvalidArgumentError(
        `Header "${name}" must have a string value, got ${typeof item === 'string' ? 'a string' : describe(item)}`,
      );
    }
    if (!headerValue.test(item)) {
      // Never the value: it may be a credential.
      throw new InvalidArgumentError(
        `Header "${name}" has a line break, NUL or other character a header value cannot hold`,
      );
    }
    headers[name] = item;
  }
  return headers;
}

function checkLogLevel(value: unknown): LogLevel {
  if (value === undefined) {
    const fromEnv = readEnv('SUNO_COVER_LOG');
    return fromEnv !== undefined && (logLevels as readonly string[]).includes(fromEnv)
      ? (fromEnv as LogLevel)
      : 'warn';
  }
  if (typeof value === 'string' && (logLevels as readonly string[]).includes(value)) {
    return value as LogLevel;
  }
  throw new InvalidArgumentError(
    `\`logLevel\` must be one of ${logLevels.map((level) => `'${level}'`).join(', ')}, got ${describe(value)}`,
  );
}

function checkLogger(value: unknown): Logger {
  if (value === undefined) return console;
  const logger = value as Partial<Record<keyof Logger, unknown>> | null;
  if (
    logger === null ||
    typeof logger !== 'object' ||
    !(['error', 'warn', 'info', 'debug'] as const).every(
      (name) => typeof logger[name] === 'function',
    )
  ) {
    throw new InvalidArgumentError(
      `\`logger\` must have error, warn, info and debug methods (console does), got ${describe(value)}`,
    );
  }
  return value as Logger;
}

/**
`baseUrl` is the host's origin, optionally with a path prefix of a proxy in front of it.
The API's own path (`/api/v1…`) is refused: every request path already starts with it.
*/
function checkBaseUrl(value: unknown): string {
  const baseUrl = checkUrl('baseUrl', value);
  const url = new URL(baseUrl);
  if (url.search !== '' || url.hash !== '') {
    throw new InvalidArgumentError(
      `\`baseUrl\` must not have a query or fragment: use "${url.origin}${url.pathname.replace(/\/+$/, '')}"`,
    );
  }
  if (/(^|\/)api(\/v1)?(\/|$)/i.test(url.pathname)) {
    throw new InvalidArgumentError(
      `\`baseUrl\` must not include the API's path (${url.pathname}): the SDK adds /api/v1/… itself, so use "${url.origin}"`,
    );
  }
  return baseUrl;
}

/** Both spellings of the callback URL, in the client options or a generate call. */
export function pickCallbackUrl(
  where: string,
  value: { callbackUrl?: unknown; callBackUrl?: unknown },
): string | undefined {
  const { callbackUrl, callBackUrl } = value;
  if (callbackUrl !== undefined && callBackUrl !== undefined && callbackUrl !== callBackUrl) {
    throw new InvalidArgumentError(
      `${where} has both \`callbackUrl\` and \`callBackUrl\`, with different values: give one`,
    );
  }
  const given = callbackUrl ?? callBackUrl;
  if (given === undefined) return undefined;
  return checkUrl(callbackUrl === undefined ? 'callBackUrl' : 'callbackUrl', given);
}

export function checkSignal(where: string, value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  const signal = value as Partial<AbortSignal> | null;
  if (
    signal === null ||
    typeof signal !== 'object' ||
    typeof signal.aborted !== 'boolean' ||
    typeof signal.addEventListener !== 'function'
  ) {
    throw new InvalidArgumentError(
      `${where}: \`signal\` must be an AbortSignal (e.g. AbortSignal.timeout(5_000)), got ${describe(value)}`,
    );
  }
  return value as AbortSignal;
}

/** Runs a check, naming `where` in front of its message. */
function within(where: string, check: () => void): void {
  try {
    check();
  } catch (error) {
    if (error instanceof InvalidArgumentError)
      throw new InvalidArgumentError(`${where}: ${error.message}`);
    throw error;
  }
}

function checkOptionsObject(where: string, value: unknown, keys: readonly string[]): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidArgumentError(
      `${where} takes an options object { ${keys.join(', ')} }, got ${describe(value)}`,
    );
  }
  checkKeys(where, value, keys);
}

/** The options of one call, checked. `undefined` stands for none. */
export function checkRequestOptions(where: string, options: unknown): RequestOptions {
  if (options === undefined) return {};
  checkOptionsObject(where, options, ['signal', 'timeout', 'maxRetries']);
  const { signal, timeout, maxRetries } = options as RequestOptions;
  checkSignal(where, signal);
  within(where, () => {
    if (timeout !== undefined) checkDuration('timeout', timeout, 0);
    if (maxRetries !== undefined) checkRetries(maxRetries, 0);
  });
  return options as RequestOptions;
}

/** The options of `wait()`, checked. */
export function checkWaitOptions(
  where: string,
  options: unknown,
): { signal?: AbortSignal | undefined; timeout?: number | undefined } {
  if (options === undefined) return {};
  checkOptionsObject(where, options, ['signal', 'timeout']);
  const { signal, timeout } = options as { signal?: unknown; timeout?: unknown };
  checkSignal(where, signal);
  if (timeout !== undefined && timeout !== Number.POSITIVE_INFINITY)
    within(where, () => checkDuration('timeout', timeout, 0));
  return options as { signal?: AbortSignal; timeout?: number };
}

export function normalizeOptions(options: ClientOptions): NormalizedOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidArgumentError(
      `new SunoCover(options) takes an options object, got ${describe(options)}`,
    );
  }
  checkKeys('new SunoCover(options)', options, clientOptionKeys);
  const givenKey: unknown = options.apiKey ?? readEnv('SUNO_API_KEY');
  // A missing key is the first request's error (a receiver or a build needs none); a key
  // that is there but could never be sent (a line break, NUL) is wrong now.
  if (typeof givenKey === 'string' && givenKey.trim() !== '') checkApiKey(givenKey);
  const baseUrl = checkBaseUrl(options.baseUrl ?? readEnv('SUNO_BASE_URL') ?? defaultBaseUrl);
  const callbackUrl = pickCallbackUrl('new SunoCover(options)', options);
  const webhookSecret = options.webhookSecret ?? readEnv('SUNO_WEBHOOK_SECRET');
  if (webhookSecret !== undefined && (typeof webhookSecret !== 'string' || webhookSecret === '')) {
    throw new InvalidArgumentError('`webhookSecret` must be a non-empty string');
  }
  if (
    options.callbackToken !== undefined &&
    (typeof options.callbackToken !== 'string' || options.callbackToken === '')
  ) {
    throw new InvalidArgumentError('`callbackToken` must be a non-empty string');
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new InvalidArgumentError(`\`fetch\` must be a function, got ${describe(options.fetch)}`);
  }
  const headers = checkHeaders(options.headers);
  const recentOutcomes = checkNested('recentOutcomes', options.recentOutcomes, [
    'maxSize',
    'maxAge',
  ]);
  const submitRate = checkNested('submitRate', options.submitRate, ['limit', 'interval']);
  const { host, api, allowPrivateCallbackUrl } = checkHostOptions(options, baseUrl, callbackUrl);
  if (options.creditsPath !== undefined && typeof options.creditsPath !== 'string') {
    throw new InvalidArgumentError(
      `\`creditsPath\` must be a path string, got ${describe(options.creditsPath)}`,
    );
  }
  const creditsPath = (options.creditsPath ?? host.creditsPath).replace(/^\/+/, '');
  const redact = createRedact([
    typeof givenKey === 'string' ? givenKey.trim() : undefined,
    webhookSecret,
    options.callbackToken,
  ]);
  return {
    apiKey: () => checkApiKey(givenKey),
    baseUrl,
    host,
    api,
    callbackUrl,
    allowPrivateCallbackUrl,
    webhookSecret,
    webhookTolerance: checkNumber('webhookTolerance', options.webhookTolerance, 300, 0, 86_400),
    callbackToken: options.callbackToken,
    confirmCallbacks: checkBoolean('confirmCallbacks', options.confirmCallbacks),
    allowUnverifiedCallbacks: checkBoolean(
      'allowUnverifiedCallbacks',
      options.allowUnverifiedCallbacks,
    ),
    maxCallbackBytes: checkNumber(
      'maxCallbackBytes',
      options.maxCallbackBytes,
      65_536,
      1,
      100 * 1024 * 1024,
    ),
    callbackReadTimeout: checkDuration('callbackReadTimeout', options.callbackReadTimeout, 10_000),
    recentOutcomes: {
      maxSize: checkNumber('recentOutcomes.maxSize', recentOutcomes.maxSize, 10_000, 1, 10_000_000),
      maxAge: checkDuration('recentOutcomes.maxAge', recentOutcomes.maxAge, 3_600_000),
    },
    store: checkStore(options.store),
    pollInterval: checkDuration('pollInterval', options.pollInterval, 30_000, 100),
    pollingMode: checkPollingMode(options.pollingMode),
    maxConcurrentPolls: checkNumber('maxConcurrentPolls', options.maxConcurrentPolls, 4, 1, 1000),
    maxPollsPerSecond: checkNumber(
      'maxPollsPerSecond',
      options.maxPollsPerSecond,
      host.maxPollsPerSecond,
      0.01,
      1000,
    ),
    waitTimeout:
      options.waitTimeout === Number.POSITIVE_INFINITY
        ? Number.POSITIVE_INFINITY
        : checkDuration('waitTimeout', options.waitTimeout, 900_000),
    trackTimeout: checkDuration('trackTimeout', options.trackTimeout, 3_600_000),
    unknownTaskGrace: checkDuration('unknownTaskGrace', options.unknownTaskGrace, 300_000, 0),
    submitRate: {
      limit: checkNumber('submitRate.limit', submitRate.limit, host.submitRate.limit, 1, 100_000),
      interval: checkDuration('submitRate.interval', submitRate.interval, host.submitRate.interval),
    },
    timeout: checkDuration('timeout', options.timeout, 60_000),
    maxRetries: checkRetries(options.maxRetries, 2),
    maxRetryAfter: checkDuration('maxRetryAfter', options.maxRetryAfter, maxRetryAfter, 0),
    maxResponseBytes: checkNumber(
      'maxResponseBytes',
      options.maxResponseBytes,
      1_048_576,
      1,
      1024 * 1024 * 1024,
    ),
    log: createLog(checkLogger(options.logger), checkLogLevel(options.logLevel), redact),
    redact,
    fetch: options.fetch,
    headers,
    creditsPath,
  };
}

/**
What follows from the host (hosts.ts): its profile, the route, and whether the client's
callback URL is one it can reach (refused at construction, before any call is made).
*/
function checkHostOptions(
  options: ClientOptions,
  baseUrl: string,
  callbackUrl: string | undefined,
): { host: HostProfile; api: Api; allowPrivateCallbackUrl: boolean } {
  const { profile: host, known } = hostProfileOf(baseUrl);
  const api = options.api ?? host.defaultApi;
  if (api !== 'legacy' && api !== 'market') {
    throw new InvalidArgumentError(`\`api\` must be 'legacy' or 'market', got ${describe(api)}`);
  }
  if (known && !host.apis.includes(api)) {
    throw new InvalidArgumentError(
      `\`api: '${api}'\` is kie.ai's Market route, which ${host.name} does not serve: leave \`api\` out (the legacy route) or use https://api.kie.ai`,
    );
  }
  const allowPrivateCallbackUrl = checkBoolean(
    'allowPrivateCallbackUrl',
    options.allowPrivateCallbackUrl,
  );
  if (callbackUrl !== undefined) {
    checkCallbackUrlReachable('new SunoCover(options)', callbackUrl, {
      baseUrl,
      allowPrivateCallbackUrl,
    });
  }
  return { host, api, allowPrivateCallbackUrl };
}

const storeMethods = [
  'start',
  'claim',
  'done',
  'get',
  'track',
  'lease',
  'release',
  'close',
] as const;

function checkStore(value: unknown): TaskStore | undefined {
  if (value === undefined) return undefined;
  const missing =
    value !== null && typeof value === 'object'
      ? storeMethods.filter(
          (name) => typeof (value as Record<string, unknown>)[name] !== 'function',
        )
      : storeMethods;
  if (missing.length > 0) {
    throw new InvalidArgumentError(
      `\`store\` must be a task store such as redisStore(client) from 'suno-cover/redis'; ${describe(value)} lacks ${missing.join(', ')}`,
    );
  }
  return value as TaskStore;
}

function checkBoolean(name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  throw new InvalidArgumentError(`\`${name}\` must be true or false, got ${describe(value)}`);
}
