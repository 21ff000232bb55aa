import { EventEmitter } from 'eventemitter3';
import { Covers } from './covers.js';
import { type ClientEvents, emitSafely } from './events.js';
import { createHttp, type Http } from './internal/http.js';
import { displayUrl } from './internal/log.js';
import {
  type ClientOptions,
  type NormalizedOptions,
  normalizeOptions,
  type RequestOptions,
} from './options.js';
import { CallbackReceiver } from './receiver.js';
import { creditsDataSchema } from './schemas.js';
import { Tracker, type TrackerStats } from './tracker.js';

/**
The suno-cover client.

@example
```ts
import { SunoCover } from 'suno-cover';
const suno = new SunoCover({ apiKey: process.env.SUNO_API_KEY });
const task = await suno.covers.generate({ taskId: musicTaskId });
```
*/
export class SunoCover extends EventEmitter<ClientEvents> {
  /** Cover tasks: `generate`, `get`. */
  readonly covers: Covers;
  /** Receiving callbacks: `handle` (Fetch), `receive` (in-process), `process` (adapters). */
  readonly callbacks: CallbackReceiver;
  // Private fields: the API key and webhook secret never show in JSON.stringify or util.inspect.
  readonly #options: NormalizedOptions;
  readonly #http: Http;
  readonly #tracker: Tracker;

  constructor(options: ClientOptions = {}) {
    super();
    this.#options = normalizeOptions(options);
    this.#http = createHttp(this.#options, (event) => emitSafely(this, 'retry', event));
    this.#tracker = new Tracker(
      this,
      (taskId, request) => this.covers.get(taskId, request),
      this.#options,
    );
    this.covers = new Covers(this.#http, this.#options, this.#tracker);
    this.callbacks = new CallbackReceiver({ options: this.#options, tracker: this.#tracker });
  }

  /** The host this client talks to. */
  get baseUrl(): string {
    return this.#options.baseUrl;
  }

  /**
  Stops tracking: no more polls, no timer left, and every pending `wait()` rejects with
  `ClientClosedError`. Plain requests (`covers.get`, `credits`) still work.
  */
  close(): void {
    this.#tracker.close();
  }

  /** Counts for monitoring and leak checks: tracked tasks, scheduled polls, stored outcomes. */
  get stats(): TrackerStats {
    return this.#tracker.stats;
  }

  /** A secret-free summary, so that logging the client never fails or leaks the key. */
  toJSON(): Record<string, unknown> {
    const {
      baseUrl,
      host,
      api,
      callbackUrl,
      pollInterval,
      timeout,
      maxRetries,
      webhookSecret,
      callbackToken,
    } = this.#options;
    return {
      baseUrl,
      // The profile in use: sunoapi.org's for a host the SDK does not know.
      hostProfile: host.name,
      api,
      // The query may hold the callback token.
      callbackUrl: callbackUrl === undefined ? undefined : displayUrl(callbackUrl),
      pollInterval,
      timeout,
      maxRetries,
      apiKey: '[redacted]',
      webhookSecret: webhookSecret === undefined ? undefined : '[redacted]',
      callbackToken: callbackToken === undefined ? undefined : '[redacted]',
    };
  }

  /**
  Remaining credits of the account (`GET /api/v1/generate/credit`, or kie.ai's
  `/api/v1/chat/credit`: the host's, see the `creditsPath` option). kie.ai may return a
  fraction.

  @example
  ```ts
  if ((await suno.credits()) < 1) throw new Error('top up first');
  ```
  */
  credits(options?: RequestOptions): Promise<number> {
    return this.#http.request(
      {
        method: 'GET',
        path: this.#options.creditsPath,
        data: creditsDataSchema,
        caller: 'suno.credits()',
      },
      options,
    );
  }
}
