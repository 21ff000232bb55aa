/**
`suno-cover/redis`: the shared task store on Redis, for apps that run several instances
(processes, containers, serverless invocations) of one client. Bring your own client:
ioredis, or node-redis (the `redis` package, connected). See "Running many instances" in
the README for what it guarantees and the key layout.

@example
```ts
import { SunoCover } from 'suno-cover';
import { redisStore } from 'suno-cover/redis';
import Redis from 'ioredis';
const suno = new SunoCover({ store: redisStore(new Redis(process.env.REDIS_URL)) });
```
*/
import {
  InvalidArgumentError,
  type StoreClaim,
  type StoredOutcome,
  type StoreHandlers,
  type StoreStart,
  SunoCoverError,
  type TaskStore,
} from 'suno-cover';
import { type Connection, connect } from './connection.js';
import {
  claimScript,
  doneScript,
  leaseScript,
  maintainScript,
  releaseScript,
  renewScript,
  trackScript,
} from './scripts.js';

/** Options of `redisStore()`. All times are in ms. */
export interface RedisStoreOptions {
  /**
  What every key (and the channel) starts with: give each app, or each test run, its own.
  @default 'suno-cover:'
  @example
  redisStore(redis, { prefix: 'covers:prod:' })
  */
  prefix?: string | undefined;
  /**
  How long a settled outcome is kept: a late `wait()` or `covers.track()` on any instance
  finds it for this long, and a repeated callback is a duplicate.
  @default 86_400_000 (24 hours)
  @example
  redisStore(redis, { outcomeTtl: 7 * 86_400_000 })
  */
  outcomeTtl?: number | undefined;
  /**
  How long one instance holds a task's polling before another may take it over. The holder
  renews it at each poll, so it is at least 1.5 × the client's `pollInterval` whatever is set
  here; a task whose poller died is polled by another instance about this long after.
  @default 90_000
  @example
  redisStore(redis, { pollLease: 60_000 })
  */
  pollLease?: number | undefined;
  /**
  How long the settling instance's client-level `succeeded`/`failed` listeners may go without
  a sign of life from it before another instance runs them instead. The instance renews its
  claim while its listeners run, so a slow listener is not run twice; a dead one stops renewing.
  @default 30_000
  @example
  redisStore(redis, { claimTimeout: 10_000 })
  */
  claimTimeout?: number | undefined;
  /**
  How long one Redis command may take before the client works on its own (the `store` event
  says `degraded`) until Redis answers again.
  @default 2_000
  @example
  redisStore(redis, { timeout: 500 })
  */
  timeout?: number | undefined;
}

/** The task store on Redis: give each `SunoCover` client its own. */
export interface RedisStore extends TaskStore {
  /** This instance's id in the store (claims and leases name it). */
  readonly instanceId: string;
  /** Which client library the store talks through. */
  readonly library: 'ioredis' | 'node-redis';
}

/**
A task store on Redis for `new SunoCover({ store })`. Takes an ioredis client, or a connected
node-redis client; opens one more connection of its own (a duplicate) for pub/sub.

@example
```ts
import { createClient } from 'redis';
const redis = await createClient({ url: process.env.REDIS_URL }).connect();
const suno = new SunoCover({ store: redisStore(redis, { prefix: 'my-app:' }) });
```
*/
export function redisStore(client: unknown, options: RedisStoreOptions = {}): RedisStore {
  const connection = connect(client);
  if (connection === undefined) {
    throw new InvalidArgumentError(
      'redisStore(client) takes an ioredis client (new Redis(url)) or a node-redis client (createClient({ url }))',
    );
  }
  if (options === null || typeof options !== 'object')
    throw new InvalidArgumentError('redisStore(client, options) takes an options object');
  const known = ['prefix', 'outcomeTtl', 'pollLease', 'claimTimeout', 'timeout'];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new InvalidArgumentError(
        `redisStore(client, options) has an unknown option \`${key}\`; known: ${known.join(', ')}`,
      );
    }
  }
  const prefix = options.prefix ?? 'suno-cover:';
  if (typeof prefix !== 'string')
    throw new InvalidArgumentError('redisStore(): `prefix` must be a string');
  return new Store(connection, {
    prefix,
    outcomeTtl: duration('outcomeTtl', options.outcomeTtl, 86_400_000),
    pollLease: duration('pollLease', options.pollLease, 90_000),
    claimTimeout: duration('claimTimeout', options.claimTimeout, 30_000),
    timeout: duration('timeout', options.timeout, 2_000),
  });
}

function duration(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 10 || value > 2 ** 31) {
    throw new InvalidArgumentError(
      `redisStore(): \`${name}\` must be a whole number of ms from 10 to 2^31, got ${String(value)}`,
    );
  }
  return value;
}

interface Settings {
  prefix: string;
  outcomeTtl: number;
  pollLease: number;
  claimTimeout: number;
  timeout: number;
}

class Store implements RedisStore {
  readonly instanceId = crypto.randomUUID();
  readonly library: 'ioredis' | 'node-redis';
  readonly #redis: Connection;
  readonly #settings: Settings;
  readonly #channel: string;
  #handlers: StoreHandlers | undefined;
  #start: StoreStart | undefined;
  #subscription: { close(): void } | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Tasks whose listener claim this instance holds: renewed on every tick until `done`. */
  readonly #claims = new Set<string>();
  #degraded = false;
  #subscribed = false;
  #closed = false;

  constructor(redis: Connection, settings: Settings) {
    this.#redis = redis;
    this.library = redis.library;
    this.#settings = settings;
    this.#channel = `${settings.prefix}settled`;
  }

  start(handlers: StoreHandlers, options: StoreStart): void {
    if (this.#handlers) {
      throw new InvalidArgumentError(
        'this redisStore() serves another client already: give each SunoCover client its own store',
      );
    }
    // The poller renews its lease at each poll: a lease shorter than the poll interval (with
    // its jitter) would pass to another instance between two polls.
    this.#settings.pollLease = Math.max(
      this.#settings.pollLease,
      Math.ceil(options.pollInterval * 1.5),
    );
    this.#handlers = handlers;
    this.#start = options;
    this.#subscription = this.#redis.subscribe(
      this.#channel,
      (message) => this.#onMessage(message),
      (ready, error) => {
        this.#subscribed = ready;
        // News may have been missed while the subscription was down: reconcile after it.
        if (!ready) this.#fail(error ?? new SunoCoverError('the Redis subscription was lost'));
      },
    );
    this.#arm(0);
  }

  async claim(taskId: string, stored: StoredOutcome): Promise<StoreClaim> {
    const { prefix, outcomeTtl, claimTimeout } = this.#settings;
    const value = JSON.stringify(stored);
    const now = Date.now();
    const existing = await this.#run(
      this.#redis.eval(
        claimScript,
        [
          `${prefix}outcome:${taskId}`,
          `${prefix}listeners`,
          `${prefix}claim:${taskId}`,
          `${prefix}tracked`,
          `${prefix}lease:${taskId}`,
        ],
        [
          value,
          String(outcomeTtl),
          this.instanceId,
          String(claimTimeout),
          taskId,
          this.#channel,
          String(now),
          `${this.instanceId}\n${taskId}\n${value}`,
        ],
      ),
    );
    if (typeof existing === 'string') {
      const first = parse(existing);
      if (first) return { won: false, stored: first };
    }
    this.#claims.add(taskId);
    return { won: true };
  }

  async done(taskId: string): Promise<void> {
    this.#claims.delete(taskId);
    const { prefix } = this.#settings;
    await this.#run(
      this.#redis.eval(
        doneScript,
        [`${prefix}claim:${taskId}`, `${prefix}listeners`],
        [this.instanceId, taskId],
      ),
    );
  }

  async get(taskId: string): Promise<StoredOutcome | undefined> {
    const value = await this.#run(this.#redis.get(`${this.#settings.prefix}outcome:${taskId}`));
    return typeof value === 'string' ? parse(value) : undefined;
  }

  async track(taskId: string, since: number): Promise<StoredOutcome | undefined> {
    const { prefix, pollLease, outcomeTtl } = this.#settings;
    const value = await this.#run(
      this.#redis.eval(
        trackScript,
        [`${prefix}tracked`, `${prefix}lease:${taskId}`, `${prefix}outcome:${taskId}`],
        [taskId, String(since), this.instanceId, String(pollLease), String(outcomeTtl)],
      ),
    );
    return typeof value === 'string' ? parse(value) : undefined;
  }

  async lease(taskId: string): Promise<boolean | StoredOutcome> {
    const { prefix, pollLease } = this.#settings;
    const value = await this.#run(
      this.#redis.eval(
        leaseScript,
        [`${prefix}lease:${taskId}`, `${prefix}outcome:${taskId}`],
        [this.instanceId, String(pollLease)],
      ),
    );
    if (typeof value === 'string') return parse(value) ?? true;
    return Number(value) === 1;
  }

  async release(taskId: string): Promise<void> {
    const { prefix } = this.#settings;
    await this.#run(
      this.#redis.eval(
        releaseScript,
        [`${prefix}tracked`, `${prefix}lease:${taskId}`],
        [taskId, this.instanceId],
      ),
    );
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#subscription?.close();
  }

  /** Runs one command under the store's timeout; a failure degrades the client. */
  async #run<T>(command: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new SunoCoverError(
              `Redis did not answer within ${this.#settings.timeout} ms (the store's \`timeout\`)`,
            ),
          ),
        this.#settings.timeout,
      );
    });
    // A late answer or failure of a command given up on must not be an unhandled rejection.
    command.catch(() => {});
    try {
      return await Promise.race([command, timeout]);
    } catch (error) {
      this.#fail(error);
      throw error instanceof SunoCoverError
        ? error
        : new SunoCoverError(`Redis failed: ${describe(error)}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  #fail(error: unknown): void {
    if (this.#closed || this.#degraded) return;
    this.#degraded = true;
    this.#handlers?.state('degraded', error);
  }

  #onMessage(message: string): void {
    const first = message.indexOf('\n');
    const second = message.indexOf('\n', first + 1);
    if (first < 0 || second < 0 || message.slice(0, first) === this.instanceId) return;
    const stored = parse(message.slice(second + 1));
    if (stored) this.#handlers?.settled(message.slice(first + 1, second), stored);
  }

  /** Arms the next tick: claims renewed, dead instances' work taken over, health checked. */
  #arm(delay: number): void {
    if (this.#closed) return;
    const timer = setTimeout(() => void this.#tick(), delay) as ReturnType<typeof setTimeout> & {
      unref?: () => unknown;
    };
    // The store's timer never keeps a process alive by itself.
    timer.unref?.();
    this.#timer = timer;
  }

  async #tick(): Promise<void> {
    const { prefix, claimTimeout, pollLease } = this.#settings;
    const interval = Math.max(10, Math.floor(Math.min(claimTimeout, pollLease) / 3));
    try {
      await Promise.all(
        [...this.#claims].map((taskId) =>
          this.#run(
            this.#redis.eval(
              renewScript,
              [`${prefix}claim:${taskId}`],
              [this.instanceId, String(claimTimeout)],
            ),
          ),
        ),
      );
      const start = this.#start as StoreStart;
      const now = Date.now();
      const found = await this.#run(
        this.#redis.eval(
          maintainScript,
          [`${prefix}listeners`, `${prefix}tracked`],
          [
            this.instanceId,
            String(now),
            String(claimTimeout),
            String(pollLease),
            prefix,
            '20',
            String(now - start.trackTimeout),
            start.polls ? '1' : '0',
          ],
        ),
      );
      if (this.#closed) return;
      if (this.#degraded && this.#subscribed) {
        this.#degraded = false;
        this.#handlers?.state('recovered');
      }
      const list = Array.isArray(found) ? (found as unknown[]).map(String) : [];
      for (let i = 0; i + 2 < list.length; i += 3) {
        const [kind, taskId, value] = [list[i], list[i + 1] as string, list[i + 2] as string];
        if (kind === 'h') {
          const stored = parse(value);
          if (stored) {
            this.#claims.add(taskId);
            this.#handlers?.handover(taskId, stored);
          }
        } else {
          this.#handlers?.adopt(taskId, Number(value));
        }
      }
    } catch {
      // Degraded already (#run said so); the next tick checks again.
    }
    this.#arm(interval);
  }
}

function parse(value: string): StoredOutcome | undefined {
  try {
    const stored = JSON.parse(value) as StoredOutcome;
    if (stored && typeof stored === 'object' && typeof stored.outcome?.status === 'string')
      return stored;
  } catch {}
  return undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
