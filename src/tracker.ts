/**
The ONE place a cover task settles. Callbacks and polls report outcomes here; the first
terminal outcome of a task is stored and announced, a repeat of it is a duplicate, and a
contradicting one is surfaced as a `conflict` without changing anything.
*/
import { type EventOf, type EventSource, emitSafely } from './events.js';

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

/** An outcome as the store keeps it. */
export interface StoredOutcome {
  outcome: Outcome;
  source: EventSource;
  /** When it was stored (epoch ms). */
  at: number;
}

/** What became of a report. */
export type ReportResult = 'settled' | 'duplicate' | 'conflict';

/**
Recent outcomes by task id, bounded in size and age: the oldest go first. A Map keeps
insertion order, so the oldest entry is always the first one and eviction needs no timer.
*/
export class OutcomeStore {
  readonly #entries = new Map<string, StoredOutcome>();
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
    this.#entries.delete(taskId);
    this.#entries.set(taskId, entry);
    for (const [oldest, { at }] of this.#entries) {
      if (this.#entries.size <= this.#maxSize && entry.at - at <= this.#maxAge) break;
      this.#entries.delete(oldest);
    }
  }
}

/** Who hears what the tracker announces: the client. */
interface Announcer {
  listeners(event: string): unknown[];
}

export interface TrackerLimits {
  maxSize: number;
  maxAge: number;
}

export class Tracker {
  readonly store: OutcomeStore;
  readonly #client: Announcer;

  constructor(client: Announcer, limits: TrackerLimits) {
    this.#client = client;
    this.store = new OutcomeStore(limits.maxSize, limits.maxAge);
  }

  /** Reports a terminal outcome of a task; only the first one settles it. */
  report(taskId: string, outcome: Outcome, source: EventSource): ReportResult {
    const now = Date.now();
    const known = this.store.get(taskId, now);
    if (known) {
      if (
        known.outcome.status === outcome.status &&
        (outcome.status === 'succeeded' || known.outcome.code === outcome.code)
      ) {
        return 'duplicate';
      }
      this.#emit('conflict', {
        type: 'conflict',
        taskId,
        source,
        at: new Date(now),
        kept: known.outcome.status,
        reported: outcome.status,
        code: outcome.code,
      });
      return 'conflict';
    }
    this.store.set(taskId, { outcome, source, at: now });
    const base = { taskId, source, at: new Date(now), parentTaskId: outcome.parentTaskId };
    if (outcome.status === 'succeeded') {
      this.#emit('succeeded', { type: 'succeeded', ...base, images: outcome.images });
    } else {
      const { code, message, refunded, retryable } = outcome;
      this.#emit('failed', { type: 'failed', ...base, code, message, refunded, retryable });
    }
    return 'settled';
  }

  #emit<Name extends 'succeeded' | 'failed' | 'conflict'>(name: Name, event: EventOf<Name>): void {
    emitSafely(this.#client, name, event);
  }
}
