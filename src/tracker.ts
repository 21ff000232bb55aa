/**
The ONE place a cover task settles. Callbacks and polls report here; the first terminal
outcome of a task is stored, announced to the client and the task, and settles every
waiter; a repeat of it is a duplicate, and a contradicting one is surfaced as `conflict`
without changing anything. Polling of tracked tasks runs through one shared scheduler.
*/
import { isRefundedCode, isRetryableCode, isTerminalStatus } from './codes.js';
import {
  AuthenticationError,
  ClientClosedError,
  InsufficientCreditsError,
  NotFoundError,
  RateLimitError,
  RequestTimeoutError,
  SunoCoverError,
  TaskFailedError,
  TaskTimeoutError,
} from './errors.js';
import {
  type ClientEvents,
  type EventOf,
  type EventSource,
  emitSafely,
  type ListenerSource,
} from './events.js';
import type { Log } from './internal/log.js';
import { Scheduler } from './internal/scheduler.js';
import { checkWaitOptions, type RequestOptions } from './options.js';
import type { CoverDetails } from './schemas.js';
import type { StoredOutcome, TaskStore } from './store.js';

export type { StoredOutcome } from './store.js';

/** Reads a task's details: `covers.get`. */
type GetDetails = (taskId: string, options: RequestOptions) => Promise<CoverDetails>;

/** How a task ended, whichever way the SDK learnt it. */
export type Outcome =
  | {
      status: 'succeeded';
      parentTaskId: string | null;
      code: number;
      message: string;
      images: string[];
    }
  | {
      status: 'failed';
      parentTaskId: string | null;
      code: number;
      message: string;
      refunded: boolean;
      retryable: boolean;
    };

/** Where a settled outcome came from: a task settles by callback or by poll, never on submit. */
export type ResultSource = Exclude<EventSource, 'submit'>;

/** What `wait()` resolves with. */
export interface CoverResult {
  taskId: string;
  /** The music task id, when known. */
  parentTaskId: string | null;
  /** Image URLs (usually 2). */
  images: string[];
  /** Whether a callback or a poll delivered the result. */
  source: ResultSource;
}

/** Options of `task.wait()`. */
export interface WaitOptions {
  /** Stops waiting; the wait rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /**
  Gives up after this many ms with `TaskTimeoutError` (`Infinity`: never).
  @default the client's `waitTimeout` (15 minutes)
  */
  timeout?: number | undefined;
}

/** Counts for monitoring and leak checks. */
export interface TrackerStats {
  /** Tasks tracked and not settled. */
  tracked: number;
  /** Tasks waiting for their next poll. */
  scheduled: number;
  /** Polls in flight. */
  inFlight: number;
  /** Outcomes in the store of recent outcomes. */
  stored: number;
  /**
  Whether a poll timer is set. On Cloudflare Workers a timer set during a request that has
  ended never fires: every `wait()` and callback confirmation sets it again in its own
  request, so `true` means "set by this or an earlier request", not "will fire".
  */
  timerArmed: boolean;
}

/** What became of a report. */
export type ReportResult = 'settled' | 'duplicate' | 'conflict';

/**
Recent outcomes by task id, bounded in size and age: the oldest go first. The insertion
order lives in a queue beside the Map: asking a Map for its first key after many deletes
walks every deleted slot (V8 keeps them until it rehashes), which cost ~6 µs per insert
in a full store; the queue makes eviction O(1) and needs no timer.
*/
export class OutcomeStore {
  readonly #entries = new Map<string, StoredOutcome>();
  /** Every set, oldest first, as two parallel queues (no object per slot); a slot whose entry was replaced or removed is stale. */
  #keys: string[] = [];
  #values: StoredOutcome[] = [];
  #head = 0;
  readonly #maxSize: number;
  readonly #maxAge: number;

  constructor(maxSize: number, maxAge: number) {
    this.#maxSize = maxSize;
    this.#maxAge = maxAge;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(taskId: string, now = Date.now()): StoredOutcome | undefined {
    const entry = this.#entries.get(taskId);
    if (entry && now - entry.at > this.#maxAge) {
      this.#entries.delete(taskId);
      return undefined;
    }
    return entry;
  }

  set(taskId: string, entry: StoredOutcome): void {
    this.#entries.set(taskId, entry);
    this.#keys.push(taskId);
    this.#values.push(entry);
    while (this.#head < this.#keys.length) {
      const key = this.#keys[this.#head] as string;
      const value = this.#values[this.#head] as StoredOutcome;
      const live = this.#entries.get(key) === value;
      if (live && this.#entries.size <= this.#maxSize && entry.at - value.at <= this.#maxAge) break;
      if (live) this.#entries.delete(key);
      this.#head++;
    }
    // Drop the consumed front of the queues now and then, not on every set.
    if (this.#head > 1024 && this.#head * 2 > this.#keys.length) {
      this.#keys = this.#keys.slice(this.#head);
      this.#values = this.#values.slice(this.#head);
      this.#head = 0;
    }
  }
}

/** Anything events are emitted on: the client, and each task object. */
interface Emitter extends ListenerSource {
  eventNames(): (string | symbol)[];
}

interface Waiter {
  settle(stored: StoredOutcome): void;
  fail(error: unknown): void;
}

/** A task being tracked: not settled yet, polled, maybe waited on. */
interface Tracked {
  taskId: string;
  parentTaskId: string | null;
  /** The task objects handed out for it (generate, track): events go to each. */
  emitters: Set<Emitter>;
  status: 'pending' | 'generating' | undefined;
  waiters: Set<Waiter>;
  since: number;
}

export interface TrackerOptions {
  recentOutcomes: { maxSize: number; maxAge: number };
  pollingMode: 'always' | 'callback-only';
  pollInterval: number;
  maxConcurrentPolls: number;
  maxPollsPerSecond: number;
  waitTimeout: number;
  trackTimeout: number;
  unknownTaskGrace: number;
  maxRetryAfter: number;
  /** A request's time limit: a poll still in flight long after it has been abandoned. */
  timeout: number;
  log: Log;
  store: TaskStore | undefined;
}

type TaskEventName = Exclude<keyof ClientEvents, 'retry' | 'store'>;

/** Who hears an event: everyone, only the task objects (news from another instance), only the client (a handover). */
type Scope = 'all' | 'tasks' | 'client';

/** What the client needs from the tracker beside emitting: the `store` event. */
interface ClientEmitter extends Emitter {
  emit(name: 'store', event: EventOf<'store'>): unknown;
}

export class Tracker {
  readonly store: OutcomeStore;
  readonly #client: Emitter;
  readonly #get: GetDetails;
  readonly #options: TrackerOptions;
  readonly #tracked = new Map<string, Tracked>();
  readonly #scheduler: Scheduler;
  /**
  A controller per request in flight (polls, confirmations), aborted by `close()`. Never
  one made up front and shared: on Cloudflare Workers an object made during one request
  cannot be used by another ("Cannot perform I/O on behalf of a different request").
  */
  readonly #requests = new Set<AbortController>();
  /** Ends tracking of tasks past `trackTimeout`, whether or not they are polled. */
  #sweepTimer: ReturnType<typeof setTimeout> | undefined;
  #sweepAt = Number.POSITIVE_INFINITY;
  /** Confirmations in flight, by task id: callbacks for one task share one request. */
  readonly #confirming = new Map<string, Promise<CoverDetails>>();
  #closed = false;
  /** The shared store, when the client has one; `undefined` keeps everything in this process. */
  readonly #shared: TaskStore | undefined;
  /** Whether the shared store is unreachable: this client then works on its own. */
  #degraded = false;
  /** Claims in flight, by task id: a second report of the task waits for the first's claim. */
  readonly #claiming = new Map<string, Promise<ReportResult>>();
  /** Outcomes settled here while the store was unreachable, to record once it is back (bounded). */
  readonly #unrecorded = new Map<string, StoredOutcome>();

  constructor(client: ClientEmitter, get: GetDetails, options: TrackerOptions) {
    this.#client = client;
    this.#get = get;
    this.#options = options;
    this.store = new OutcomeStore(options.recentOutcomes.maxSize, options.recentOutcomes.maxAge);
    this.#shared = options.store;
    this.#shared?.start(
      {
        settled: (taskId, stored) => this.#learn(taskId, stored),
        handover: (taskId, stored) => void this.#handover(taskId, stored),
        adopt: (taskId, since) => this.#adopt(taskId, since),
        state: (state, error) => this.#setState(state, error),
      },
      {
        trackTimeout: options.trackTimeout,
        polls: options.pollingMode === 'always',
        pollInterval: options.pollInterval,
      },
    );
    this.#scheduler = new Scheduler({
      interval: options.pollInterval,
      maxPause: options.maxRetryAfter,
      jitter: 0.1,
      maxConcurrent: options.maxConcurrentPolls,
      maxPerSecond: options.maxPollsPerSecond,
      // A poll is one request without retries, bounded by `timeout`: one still in flight
      // well past that was started by a Workers request that has ended, and never finishes.
      staleAfter: options.timeout + 5_000,
      run: (taskId) => this.#poll(taskId),
    });
  }

  /** Tasks being tracked (not settled), and the scheduler, for leak checks and stats. */
  get stats(): TrackerStats {
    return {
      tracked: this.#tracked.size,
      scheduled: this.#scheduler.size,
      inFlight: this.#scheduler.inFlight,
      stored: this.store.size,
      timerArmed: this.#scheduler.armed,
    };
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
  Starts tracking a task for a task object. Settled tasks are not tracked: their outcome
  is in the store. `pollNow` polls at once (a resumed or existing task may be done already).
  */
  track(
    taskId: string,
    emitter: Emitter,
    parentTaskId: string | null,
    pollNow: boolean,
  ): Promise<void> | undefined {
    if (this.#closed) throw new ClientClosedError();
    if (this.store.get(taskId)) return undefined;
    const known = this.#tracked.get(taskId);
    if (known) {
      known.emitters.add(emitter);
      known.parentTaskId ??= parentTaskId;
      return undefined;
    }
    this.#tracked.set(taskId, {
      taskId,
      parentTaskId,
      emitters: new Set([emitter]),
      status: undefined,
      waiters: new Set(),
      since: Date.now(),
    });
    if (this.#options.pollingMode === 'always')
      this.#scheduler.schedule(taskId, pollNow ? 0 : undefined);
    this.#armSweep(Date.now() + this.#options.trackTimeout);
    if (this.#shared && !this.#degraded) {
      // Records the task for the fleet, and finds an outcome another instance stored already.
      return this.#shared.track(taskId, Date.now()).then(
        (stored) => {
          if (stored) this.#learn(taskId, stored);
        },
        (error: unknown) => this.#storeFailed(error),
      );
    }
    return undefined;
  }

  /** Whether this client tracks the task (submitted or resumed here, not settled yet). */
  isTracked(taskId: string): boolean {
    return this.#tracked.has(taskId);
  }

  /** The last status known for a task. */
  statusOf(taskId: string): 'pending' | 'generating' | 'succeeded' | 'failed' | 'unknown' {
    return this.store.get(taskId)?.outcome.status ?? this.#tracked.get(taskId)?.status ?? 'unknown';
  }

  /** The music task id known for a task. */
  parentOf(taskId: string): string | null {
    return (
      this.#tracked.get(taskId)?.parentTaskId ??
      this.store.get(taskId)?.outcome.parentTaskId ??
      null
    );
  }

  /**
  Emits a task event on the client and on every task object of that task. The event is
  built only when someone listens: on a busy receiver most events have no listener.
  */
  emit<Name extends TaskEventName>(
    taskId: string,
    name: Name,
    build: () => EventOf<Name>,
    scope: Scope = 'all',
    pending?: Promise<unknown>[],
  ): void {
    const tracked = scope === 'client' ? undefined : this.#tracked.get(taskId);
    let listened = scope !== 'tasks' && this.#client.listenerCount(name) > 0;
    if (!listened && tracked)
      for (const emitter of tracked.emitters) listened ||= emitter.listenerCount(name) > 0;
    if (!listened) return;
    const event = build();
    if (scope !== 'tasks') emitSafely(this.#client, name, event, pending);
    if (tracked) for (const emitter of tracked.emitters) emitSafely(emitter, name, event);
  }

  /** Reports a terminal outcome of a task; only the first one settles it. */
  /**
  Reports a terminal outcome of a task; only the first one settles it. With a shared store
  "first" is decided by the store, so the answer comes as a promise, which resolves once the
  client-level listeners of a settle have finished (an async listener's promise counts).
  */
  report(
    taskId: string,
    outcome: Outcome,
    source: ResultSource,
  ): ReportResult | Promise<ReportResult> {
    const now = Date.now();
    const known = this.store.get(taskId, now);
    if (known) return this.#compare(taskId, known, outcome, source, now);
    const tracked = this.#tracked.get(taskId);
    // The outcome is the caller's fresh object: completed in place rather than copied.
    const settled = outcome;
    settled.parentTaskId ??= tracked?.parentTaskId ?? null;
    const stored: StoredOutcome = { outcome: settled, source, at: now };
    if (this.#shared && !this.#degraded && !this.#closed) {
      const claiming = this.#claiming.get(taskId);
      if (claiming) {
        return claiming.then(() => {
          const first = this.store.get(taskId);
          return first ? this.#compare(taskId, first, outcome, source, Date.now()) : 'duplicate';
        });
      }
      const claim = this.#claim(taskId, stored).finally(() => this.#claiming.delete(taskId));
      this.#claiming.set(taskId, claim);
      return claim;
    }
    if (this.#shared) this.#remember(taskId, stored);
    this.#settle(taskId, stored, 'all');
    return 'settled';
  }

  /** A repeat of the outcome that stands is a duplicate; a different one is a conflict. */
  #compare(
    taskId: string,
    known: StoredOutcome,
    outcome: Outcome,
    source: EventSource,
    now: number,
  ): ReportResult {
    const same =
      known.outcome.status === outcome.status &&
      (outcome.status === 'succeeded' || known.outcome.code === outcome.code);
    if (same) return 'duplicate';
    this.emit(taskId, 'conflict', () => ({
      type: 'conflict',
      taskId,
      source,
      at: new Date(now),
      kept: known.outcome.status,
      reported: outcome.status,
      code: outcome.code,
    }));
    return 'conflict';
  }

  /** Asks the shared store who is first; the winner settles here and runs the client-level listeners. */
  async #claim(taskId: string, stored: StoredOutcome): Promise<ReportResult> {
    const shared = this.#shared as TaskStore;
    let claim: Awaited<ReturnType<TaskStore['claim']>>;
    try {
      claim = await shared.claim(taskId, stored);
    } catch (error) {
      this.#storeFailed(error);
      // Local operation: settle here, record it in the store once it is back.
      if (this.store.get(taskId))
        return this.#compare(
          taskId,
          this.store.get(taskId) as StoredOutcome,
          stored.outcome,
          stored.source,
          Date.now(),
        );
      this.#remember(taskId, stored);
      this.#settle(taskId, stored, 'all');
      return 'settled';
    }
    if (!claim.won) {
      this.#learn(taskId, claim.stored);
      return this.#compare(taskId, claim.stored, stored.outcome, stored.source, Date.now());
    }
    const pending: Promise<unknown>[] = [];
    // News of our own settle may have come first (the store announced it): then only the
    // client-level listeners are left to run here.
    if (this.store.get(taskId)) this.#emitTerminal(taskId, stored, 'client', pending);
    else this.#settle(taskId, stored, 'all', pending);
    if (pending.length > 0) await Promise.all(pending);
    await shared.done(taskId).catch((error: unknown) => this.#storeFailed(error));
    return 'settled';
  }

  /** Runs the client-level listeners of a task whose settling instance died before they finished. */
  async #handover(taskId: string, stored: StoredOutcome): Promise<void> {
    if (this.#closed) return;
    this.#learn(taskId, stored);
    const pending: Promise<unknown>[] = [];
    this.#emitTerminal(taskId, stored, 'client', pending);
    if (pending.length > 0) await Promise.all(pending);
    await this.#shared?.done(taskId).catch((error: unknown) => this.#storeFailed(error));
  }

  /** An outcome another instance stored: settle waits and task objects here, no client-level listeners. */
  #learn(taskId: string, stored: StoredOutcome): void {
    if (this.#closed || this.store.get(taskId)) return;
    this.#settle(taskId, stored, 'tasks');
  }

  /** A task another instance tracked and can no longer poll: track and poll it here. */
  #adopt(taskId: string, since: number): void {
    if (this.#closed || this.store.get(taskId) || this.#tracked.has(taskId)) return;
    this.#tracked.set(taskId, {
      taskId,
      parentTaskId: null,
      emitters: new Set(),
      status: undefined,
      waiters: new Set(),
      since,
    });
    this.#scheduler.schedule(taskId, 0);
    this.#armSweep(since + this.#options.trackTimeout);
  }

  /** Keeps an outcome settled without the store, to record it once the store is back. */
  #remember(taskId: string, stored: StoredOutcome): void {
    if (this.#unrecorded.size >= this.#options.recentOutcomes.maxSize) {
      const oldest = this.#unrecorded.keys().next().value as string;
      this.#unrecorded.delete(oldest);
    }
    this.#unrecorded.set(taskId, stored);
  }

  /** A store call failed: work on our own until the store says it recovered. */
  #storeFailed(error: unknown): void {
    this.#setState('degraded', error);
  }

  #setState(state: 'degraded' | 'recovered', error?: unknown): void {
    if ((state === 'degraded') === this.#degraded || this.#closed) return;
    this.#degraded = state === 'degraded';
    const failure =
      error === undefined || error instanceof SunoCoverError
        ? error
        : new SunoCoverError(
            `the shared task store is unreachable: ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          );
    this.#options.log.debug(`shared task store ${state}`);
    emitSafely(this.#client, 'store', { type: 'store', state, error: failure, at: new Date() });
    if (state === 'recovered') void this.#reconcile();
  }

  /** The store is back: record what settled here meanwhile, and learn what settled elsewhere. */
  async #reconcile(): Promise<void> {
    const shared = this.#shared as TaskStore;
    const unrecorded = [...this.#unrecorded];
    this.#unrecorded.clear();
    for (const [taskId, stored] of unrecorded) {
      if (this.#closed || this.#degraded) return;
      try {
        // Its listeners ran here already: claim, then release at once.
        const claim = await shared.claim(taskId, stored);
        if (claim.won) await shared.done(taskId);
      } catch (error) {
        this.#remember(taskId, stored);
        this.#storeFailed(error);
        return;
      }
    }
    for (const taskId of [...this.#tracked.keys()]) {
      if (this.#closed || this.#degraded) return;
      try {
        const stored = await shared.track(taskId, this.#tracked.get(taskId)?.since ?? Date.now());
        if (stored) this.#learn(taskId, stored);
      } catch (error) {
        this.#storeFailed(error);
        return;
      }
    }
  }

  /** Stores an outcome here, announces it to `scope`, and settles every waiter. */
  #settle(taskId: string, stored: StoredOutcome, scope: Scope, pending?: Promise<unknown>[]): void {
    const tracked = this.#tracked.get(taskId);
    this.store.set(taskId, stored);
    this.#emitTerminal(taskId, stored, scope, pending);
    if (tracked) {
      this.#untrack(taskId);
      for (const waiter of tracked.waiters) waiter.settle(stored);
    }
  }

  #emitTerminal(
    taskId: string,
    stored: StoredOutcome,
    scope: Scope,
    pending?: Promise<unknown>[],
  ): void {
    const { outcome: settled, source, at: now } = stored;
    const { parentTaskId } = settled;
    if (settled.status === 'succeeded') {
      const { images } = settled;
      this.emit(
        taskId,
        'succeeded',
        () => ({
          type: 'succeeded',
          taskId,
          source,
          at: new Date(now),
          parentTaskId,
          images,
        }),
        scope,
        pending,
      );
    } else {
      const { code, message, refunded, retryable } = settled;
      this.emit(
        taskId,
        'failed',
        () => ({
          type: 'failed',
          taskId,
          source,
          at: new Date(now),
          parentTaskId,
          code,
          message,
          refunded,
          retryable,
        }),
        scope,
        pending,
      );
    }
  }

  /**
  Reads a task's details to confirm a callback, by `deadline` (epoch ms): at most one
  request per task at a time (callbacks for the same task share it), started under the
  polls' rate and concurrency caps, never retried. Throws a `SunoCoverError` when the API
  cannot answer by then, so that the receiver answers 503 and the host retries.
  */
  confirm(taskId: string, deadline: number): Promise<CoverDetails> {
    let reading = this.#confirming.get(taskId);
    if (reading === undefined) {
      reading = this.#readToConfirm(taskId, deadline).finally(() =>
        this.#confirming.delete(taskId),
      );
      this.#confirming.set(taskId, reading);
    }
    return reading;
  }

  async #readToConfirm(taskId: string, deadline: number): Promise<CoverDetails> {
    if (this.#closed) throw new ClientClosedError();
    // Not in time: the slots are taken, or a Retry-After pause outlasts the deadline.
    const late = (cause?: RequestTimeoutError) =>
      new SunoCoverError(
        'the API could not confirm the callback in time: it is busy or rate-limited (the host will retry)',
        cause && { cause },
      );
    const release = await this.#scheduler.acquire(deadline);
    const budget = deadline - Date.now();
    if (release === undefined || budget < 1) {
      release?.();
      throw late();
    }
    const controller = this.#request();
    try {
      return await this.#get(taskId, {
        signal: controller.signal,
        maxRetries: 0,
        timeout: budget,
      });
    } catch (error) {
      if (error instanceof RateLimitError)
        this.#scheduler.slowDown(error.retryAfter ?? this.#options.pollInterval);
      throw error instanceof RequestTimeoutError ? late(error) : error;
    } finally {
      this.#requests.delete(controller);
      release();
    }
  }

  /** Waits for a task's outcome; see `CoverTask.wait()`. */
  wait(taskId: string, emitter: Emitter, given?: WaitOptions): Promise<CoverResult> {
    let options: WaitOptions;
    try {
      options = checkWaitOptions('task.wait(options)', given);
    } catch (error) {
      return Promise.reject(error);
    }
    const { signal } = options;
    const timeout = options.timeout ?? this.#options.waitTimeout;
    if (this.#closed) return Promise.reject(new ClientClosedError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    const stored = this.store.get(taskId);
    if (stored) return settledResult(taskId, stored);
    if (!this.#tracked.has(taskId)) this.track(taskId, emitter, null, true);
    const tracked = this.#tracked.get(taskId) as Tracked;
    // Timers set by an earlier request may be dead (Cloudflare Workers): set them again in
    // this one, so that a wait always polls, and times out tracking, within its own request.
    this.#scheduler.revive();
    this.#reviveSweep();
    const started = Date.now();
    return new Promise<CoverResult>((resolve, reject) => {
      const release = this.#scheduler.hold();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        release();
        tracked.waiters.delete(waiter);
      };
      const waiter: Waiter = {
        settle: (outcome) => {
          cleanup();
          settledResult(taskId, outcome).then(resolve, reject);
        },
        fail: (error) => {
          cleanup();
          reject(error);
        },
      };
      const onAbort = () => {
        cleanup();
        reject(signal?.reason);
        this.#letGo(tracked);
      };
      if (Number.isFinite(timeout)) {
        timer = setTimeout(() => {
          cleanup();
          const waited = Date.now() - started;
          reject(new TaskTimeoutError(taskId, tracked.status ?? 'unknown', waited));
          this.#timedOut(tracked, waited);
          this.#letGo(tracked);
        }, timeout);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      tracked.waiters.add(waiter);
    });
  }

  /** Stops every poll and timer, and ends every wait with `ClientClosedError`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#shared?.close();
    this.#scheduler.close();
    this.#clearSweep();
    for (const controller of this.#requests) controller.abort(new ClientClosedError());
    this.#requests.clear();
    const tracked = [...this.#tracked.values()];
    this.#tracked.clear();
    for (const task of tracked)
      for (const waiter of task.waiters) waiter.fail(new ClientClosedError());
  }

  /** A controller for one request, made in the request (the Workers context) that sends it. */
  #request(): AbortController {
    const controller = new AbortController();
    this.#requests.add(controller);
    return controller;
  }

  /** Announces that a wait, or tracking itself, gave up on a task. */
  #timedOut(tracked: Tracked, waited: number): void {
    const { taskId } = tracked;
    const lastStatus = tracked.status ?? 'unknown';
    this.emit(taskId, 'timeout', () => ({
      type: 'timeout',
      taskId,
      source: 'poll',
      at: new Date(),
      lastStatus,
      waited,
    }));
  }

  /** Ends tracking of a task nobody waits for or listens to any more. */
  #letGo(tracked: Tracked): void {
    if (tracked.waiters.size > 0) return;
    for (const emitter of tracked.emitters) if (emitter.eventNames().length > 0) return;
    if (this.#tracked.get(tracked.taskId) === tracked) this.#untrack(tracked.taskId, true);
  }

  #untrack(taskId: string, release = false): void {
    if (release && this.#shared && !this.#degraded)
      this.#shared.release(taskId).catch((error: unknown) => this.#storeFailed(error));
    this.#tracked.delete(taskId);
    this.#scheduler.cancel(taskId);
    if (this.#tracked.size === 0) this.#clearSweep();
  }

  /**
  Arms the sweep for `at` unless it is armed already. It runs apart from polling, so that
  `trackTimeout` holds with `pollingMode: 'callback-only'` and while polls are paused.
  */
  #armSweep(at: number): void {
    if (this.#sweepTimer !== undefined || this.#closed) return;
    this.#sweepAt = at;
    const delay = Math.min(maxTimer, Math.max(0, at - Date.now()));
    const timer = setTimeout(() => {
      this.#sweepTimer = undefined;
      this.#sweep();
    }, delay) as ReturnType<typeof setTimeout> & { unref?: () => unknown };
    // Never what keeps a process alive: a pending wait() does that.
    timer.unref?.();
    this.#sweepTimer = timer;
  }

  #clearSweep(): void {
    clearTimeout(this.#sweepTimer);
    this.#sweepTimer = undefined;
    this.#sweepAt = Number.POSITIVE_INFINITY;
  }

  /** Sets the sweep timer again, for the same time, in the caller's request. */
  #reviveSweep(): void {
    if (this.#tracked.size === 0) return;
    const at = Math.min(this.#sweepAt, Date.now() + this.#options.trackTimeout);
    this.#clearSweep();
    this.#armSweep(at);
  }

  #sweep(): void {
    const now = Date.now();
    const { trackTimeout } = this.#options;
    // The Map keeps insertion order, which is `since` order: stop at the first live task.
    for (const tracked of this.#tracked.values()) {
      if (now - tracked.since <= trackTimeout) {
        this.#armSweep(tracked.since + trackTimeout);
        return;
      }
      // A task someone waits for is ended by that wait's own timeout.
      if (tracked.waiters.size > 0) continue;
      this.#timedOut(tracked, now - tracked.since);
      this.#untrack(tracked.taskId, true);
    }
    if (this.#tracked.size > 0) this.#armSweep(now + trackTimeout);
  }

  async #poll(taskId: string): Promise<void> {
    const tracked = this.#tracked.get(taskId);
    // (trackTimeout is the sweep's alone: see #sweep.)
    if (!tracked) return;
    if (this.#shared && !this.#degraded) {
      // One instance of the fleet polls a task: the holder of its lease.
      let lease: boolean | StoredOutcome;
      try {
        lease = await this.#shared.lease(taskId);
      } catch (error) {
        this.#storeFailed(error);
        lease = true;
      }
      if (this.#tracked.get(taskId) !== tracked) return;
      if (lease !== true) {
        if (lease === false) this.#scheduler.schedule(taskId);
        else this.#learn(taskId, lease);
        return;
      }
    }
    let details: CoverDetails;
    const controller = this.#request();
    try {
      // One request per poll, no retries: the scheduler's caps then bound every poll
      // request, and a failed poll is simply polled again at the next interval.
      details = await this.#get(taskId, { signal: controller.signal, maxRetries: 0 });
    } catch (error) {
      this.#pollFailed(tracked, error);
      return;
    } finally {
      this.#requests.delete(controller);
    }
    // A callback may have settled the task while the poll was on its way.
    if (this.#tracked.get(taskId) !== tracked) return;
    if (this.#options.log.debugEnabled)
      this.#options.log.debug(`poll of task ${taskId}: ${details.status}`);
    tracked.parentTaskId ??= details.parentTaskId;
    if (isTerminalStatus(details.status)) {
      this.report(taskId, outcomeOfDetails(details), 'poll');
      return;
    }
    this.#setStatus(tracked, details.status);
    this.#scheduler.schedule(taskId);
  }

  #setStatus(tracked: Tracked, status: 'pending' | 'generating'): void {
    if (status === tracked.status) return;
    const previous = tracked.status;
    const { taskId } = tracked;
    tracked.status = status;
    this.emit(taskId, 'status', () => ({
      type: 'status',
      taskId,
      source: 'poll',
      at: new Date(),
      status,
      previous,
    }));
  }

  #pollFailed(tracked: Tracked, error: unknown): void {
    if (this.#closed || this.#tracked.get(tracked.taskId) !== tracked) return;
    const { log, unknownTaskGrace } = this.#options;
    const age = Date.now() - tracked.since;
    if (error instanceof NotFoundError && age < unknownTaskGrace) {
      // Hosts create the record a little after the generate answer (seen live: data null
      // on the first poll, the record 30 s later): within the grace it is pending.
      log.debug(
        `poll of task ${tracked.taskId}: unknown to the host yet, pending for ${unknownTaskGrace - age} ms more`,
      );
      if (tracked.status === undefined) this.#setStatus(tracked, 'pending');
      this.#scheduler.schedule(tracked.taskId);
      return;
    }
    log.debug(
      `poll of task ${tracked.taskId} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    const failure =
      error instanceof SunoCoverError ? error : new SunoCoverError(String(error), { cause: error });
    this.emit(tracked.taskId, 'error', () => ({
      type: 'error',
      taskId: tracked.taskId,
      source: 'poll',
      error: failure,
      at: new Date(),
    }));
    // These do not heal by waiting: end the waits rather than poll on.
    if (
      error instanceof AuthenticationError ||
      error instanceof InsufficientCreditsError ||
      error instanceof NotFoundError
    ) {
      this.#untrack(tracked.taskId);
      for (const waiter of tracked.waiters) waiter.fail(error);
      return;
    }
    if (error instanceof RateLimitError) {
      // The scheduler caps the pause at `maxRetryAfter`.
      this.#scheduler.slowDown(error.retryAfter ?? this.#options.pollInterval);
    }
    this.#scheduler.schedule(tracked.taskId);
  }
}

/** The longest delay a timer can hold, in ms. */
const maxTimer = 2_147_483_647;

function settledResult(taskId: string, stored: StoredOutcome): Promise<CoverResult> {
  const { outcome, source } = stored;
  if (outcome.status === 'succeeded') {
    return Promise.resolve({
      taskId,
      parentTaskId: outcome.parentTaskId,
      images: outcome.images,
      source,
    });
  }
  const { code, message, refunded, retryable } = outcome;
  return Promise.reject(
    new TaskFailedError({ taskId, code, msg: message, refunded, retryable, source }),
  );
}

/** The outcome a final record-info answer reports. */
export function outcomeOfDetails(details: CoverDetails): Outcome {
  if (details.status === 'succeeded') {
    return {
      status: 'succeeded',
      parentTaskId: details.parentTaskId,
      code: 200,
      message: '',
      images: details.images,
    };
  }
  // A failed record without an error code is reported as a generation failure (501).
  const code = details.errorCode && details.errorCode !== 200 ? details.errorCode : 501;
  return {
    status: 'failed',
    parentTaskId: details.parentTaskId,
    code,
    message: details.errorMessage ?? '',
    refunded: isRefundedCode(code),
    retryable: isRetryableCode(code),
  };
}
