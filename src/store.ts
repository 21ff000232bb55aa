/**
The store contract: what a shared task store does for a fleet of clients. The default is no
shared store: each client keeps its recent outcomes in its own memory (`recentOutcomes`),
which is today's single-process behaviour and speed. A shared store (`suno-cover/redis`, or
one you write for another database) makes the guarantees hold across every client that
shares it. The tracker stays the one place a task settles; the store only decides which
instance is first, carries the news to the others, and hands over work a dead instance left.

Every method may reject when the database cannot be reached: the client then works on its
own (it settles locally, runs its listeners, polls) and tells `state('degraded')`; once the
store calls `state('recovered')` the client records what it settled meanwhile.
*/
import type { EventSource } from './events.js';
import type { Outcome } from './tracker.js';

/** An outcome as a store keeps it. */
export interface StoredOutcome {
  outcome: Outcome;
  /** A task settles by callback or by poll, never on submit. */
  source: Exclude<EventSource, 'submit'>;
  /** When it was stored (epoch ms). */
  at: number;
}

/** What `claim` decided. */
export type StoreClaim =
  /** This instance settled the task: it runs the client-level listeners, then calls `done`. */
  | { won: true }
  /** Another instance was first: `stored` is the outcome that stands. */
  | { won: false; stored: StoredOutcome };

/** What a store tells the client it serves (given to `start`). */
export interface StoreHandlers {
  /** Another instance settled a task: settle waits and task objects here (no client-level listeners). */
  settled(taskId: string, stored: StoredOutcome): void;
  /**
  The instance that settled a task died before its client-level listeners finished: run them
  here, then call `done(taskId)`. The store holds the claim for this instance until then.
  */
  handover(taskId: string, stored: StoredOutcome): void;
  /** A tracked task whose poller died: this instance holds its poll lease now; poll it. */
  adopt(taskId: string, since: number): void;
  /** The database became unreachable (`degraded`) or reachable again (`recovered`). */
  state(state: 'degraded' | 'recovered', error?: unknown): void;
}

/** What the client tells the store when it starts. */
export interface StoreStart {
  /** Tasks older than this (ms since tracking began) are no longer adopted. */
  trackTimeout: number;
  /** Whether this client polls (`pollingMode: 'always'`): only a polling client adopts tasks. */
  polls: boolean;
  /** The client's `pollInterval`: a poll lease must outlast it. */
  pollInterval: number;
}

/**
A task store shared by several clients (instances, processes, invocations). Each client needs
its own store object (it holds that instance's claims and leases); the objects share the data.
*/
export interface TaskStore {
  /** Begins serving one client: subscribes to news and runs the periodic takeover. Called once. */
  start(handlers: StoreHandlers, options: StoreStart): void;
  /**
  Records `stored` as the task's outcome unless one is stored already (atomically, across the
  fleet), and announces it to the other instances. The winner holds a claim on the task's
  client-level listeners (kept alive while this instance lives) until `done`.
  */
  claim(taskId: string, stored: StoredOutcome): Promise<StoreClaim>;
  /** The client-level listeners of a claimed task have finished: release the claim. */
  done(taskId: string): Promise<void>;
  /** The stored outcome of a task, if any. */
  get(taskId: string): Promise<StoredOutcome | undefined>;
  /**
  Records a tracked (unsettled) task and takes its poll lease unless another instance holds
  it. Resolves with the task's outcome when it is stored already.
  */
  track(taskId: string, since: number): Promise<StoredOutcome | undefined>;
  /**
  Takes or renews the poll lease of a task before a poll: `true` when this instance may poll
  it, `false` when another holds it, or the outcome when the task settled already.
  */
  lease(taskId: string): Promise<boolean | StoredOutcome>;
  /** This instance stops tracking a task without an outcome (timeout): drop its record and lease. */
  release(taskId: string): Promise<void>;
  /** Stops timers and subscriptions. The database client stays the caller's to close. */
  close(): void;
}
