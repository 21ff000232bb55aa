import { InvalidArgumentError } from './errors.js';

/**
Options of `new SunoCover(options)`. Every option is optional when its environment
variable is set.
*/
export interface ClientOptions {
  /**
  Your API key, sent as `Authorization: Bearer <apiKey>`. Never logged, never in an error.
  @default process.env.SUNO_API_KEY
  @example
  new SunoCover({ apiKey: 'sk-…' })
  */
  apiKey?: string | undefined;
  /**
  The host to talk to. Every documented host serves the same paths.
  @default process.env.SUNO_BASE_URL ?? 'https://api.sunoapi.org'
  @example
  new SunoCover({ baseUrl: 'https://api.kie.ai' })
  */
  baseUrl?: string | undefined;
  /**
  The `callBackUrl` sent with every generate call that does not give its own. Without
  either, the SDK sends {@link NO_CALLBACK_URL} and results arrive by polling.
  @default undefined
  @example
  new SunoCover({ callbackUrl: 'https://example.com/api/suno-cover?token=…' })
  */
  callbackUrl?: string | undefined;
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
  @default 5
  @example
  new SunoCover({ maxPollsPerSecond: 8 })
  */
  maxPollsPerSecond?: number | undefined;
  /**
  At most `limit` generate calls start in any `interval` ms; more wait their turn in
  order. kie.ai drops generation requests past 20 per 10 s (other hosts do not say).
  @default { limit: 20, interval: 10_000 }
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
  @default 'api/v1/chat/credit' when `baseUrl` is kie.ai's, else 'api/v1/generate/credit'
  @example
  new SunoCover({ baseUrl: 'https://proxy.example.com', creditsPath: 'api/v1/chat/credit' })
  */
  creditsPath?: string | undefined;
}

/** Options of a single call. */
export interface RequestOptions {
  /** Cancels the call, including the wait between retries; it rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Overrides the client's `timeout` for this call, in ms. */
  timeout?: number | undefined;
  /** Overrides the client's `maxRetries` for this call. */
  maxRetries?: number | undefined;
}

/** Client options after defaults and validation. Internal: holds the secrets. */
export interface NormalizedOptions {
  apiKey: string;
  baseUrl: string;
  callbackUrl: string | undefined;
  webhookSecret: string | undefined;
  webhookTolerance: number;
  callbackToken: string | undefined;
  confirmCallbacks: boolean;
  maxCallbackBytes: number;
  callbackReadTimeout: number;
  recentOutcomes: { maxSize: number; maxAge: number };
  pollInterval: number;
  pollingMode: 'always' | 'callback-only';
  maxConcurrentPolls: number;
  maxPollsPerSecond: number;
  waitTimeout: number;
  trackTimeout: number;
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
    throw new InvalidArgumentError(`\`${name}\` is not a valid absolute URL: "${value}"`);
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

export function normalizeOptions(options: ClientOptions): NormalizedOptions {
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(
      `new SunoCover(options) takes an options object, got ${describe(options)}`,
    );
  }
  const apiKey = options.apiKey ?? readEnv('SUNO_API_KEY');
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
  const baseUrl = checkUrl(
    'baseUrl',
    options.baseUrl ?? readEnv('SUNO_BASE_URL') ?? defaultBaseUrl,
  );
  const callbackUrl =
    options.callbackUrl === undefined ? undefined : checkUrl('callbackUrl', options.callbackUrl);
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
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (typeof value !== 'string') {
      throw new InvalidArgumentError(
        `Header "${name}" must have a string value, got ${describe(value)}`,
      );
    }
    headers[name] = value;
  }
  const isKie = /(^|\.)kie\.ai$/i.test(new URL(baseUrl).hostname);
  const creditsPath = (
    options.creditsPath ?? (isKie ? 'api/v1/chat/credit' : 'api/v1/generate/credit')
  ).replace(/^\/+/, '');
  return {
    apiKey: apiKey.trim(),
    baseUrl,
    callbackUrl,
    webhookSecret,
    webhookTolerance: checkNumber('webhookTolerance', options.webhookTolerance, 300, 0, 86_400),
    callbackToken: options.callbackToken,
    confirmCallbacks: options.confirmCallbacks === true,
    maxCallbackBytes: checkNumber(
      'maxCallbackBytes',
      options.maxCallbackBytes,
      65_536,
      1,
      100 * 1024 * 1024,
    ),
    callbackReadTimeout: checkDuration('callbackReadTimeout', options.callbackReadTimeout, 10_000),
    recentOutcomes: {
      maxSize: checkNumber(
        'recentOutcomes.maxSize',
        options.recentOutcomes?.maxSize,
        10_000,
        1,
        10_000_000,
      ),
      maxAge: checkDuration('recentOutcomes.maxAge', options.recentOutcomes?.maxAge, 3_600_000),
    },
    pollInterval: checkDuration('pollInterval', options.pollInterval, 30_000, 100),
    pollingMode: checkPollingMode(options.pollingMode),
    maxConcurrentPolls: checkNumber('maxConcurrentPolls', options.maxConcurrentPolls, 4, 1, 1000),
    maxPollsPerSecond: checkNumber('maxPollsPerSecond', options.maxPollsPerSecond, 5, 0.01, 1000),
    waitTimeout:
      options.waitTimeout === Number.POSITIVE_INFINITY
        ? Number.POSITIVE_INFINITY
        : checkDuration('waitTimeout', options.waitTimeout, 900_000),
    trackTimeout: checkDuration('trackTimeout', options.trackTimeout, 3_600_000),
    submitRate: {
      limit: checkNumber('submitRate.limit', options.submitRate?.limit, 20, 1, 100_000),
      interval: checkDuration('submitRate.interval', options.submitRate?.interval, 10_000),
    },
    timeout: checkDuration('timeout', options.timeout, 60_000),
    maxRetries: checkRetries(options.maxRetries, 2),
    fetch: options.fetch,
    headers,
    creditsPath,
  };
}
