/**
The typed events of suno-cover, shared by the client and (with the tracking layer) each
task. Every task event is a plain object with `type`, `taskId`, `source` and `at`, so a
listener can log or forward it as it is. No event carries the API key or webhook secret.
*/
import { ListenerError, type SunoCoverError, type TaskTimeoutError } from './errors.js';
import type { CoverCallback } from './schemas.js';

/** How the SDK learnt what an event reports. */
export type EventSource = 'submit' | 'callback' | 'poll';

interface TaskEventBase {
  /** The cover task id. */
  taskId: string;
  /** Where the news came from. */
  source: EventSource;
  /** When the event was emitted. */
  at: Date;
}

/** A task was submitted with `covers.generate()`. */
export interface SubmittedEvent extends TaskEventBase {
  type: 'submitted';
  source: 'submit';
  /** The music task id. */
  parentTaskId: string;
  /** The host already had this cover task (a repeat submit); no credits were spent. */
  existing: boolean;
}

/** Polling saw a new non-final status. */
export interface StatusEvent extends TaskEventBase {
  type: 'status';
  status: 'pending' | 'generating';
  /** The status seen before, or `undefined` on the first poll. */
  previous: 'pending' | 'generating' | undefined;
}

/** A `wait()` gave up, or tracking without a wait reached `trackTimeout`. */
export interface TimeoutEvent extends TaskEventBase {
  type: 'timeout';
  /** The last status seen, or `'unknown'` before the first poll. */
  lastStatus: TaskTimeoutError['lastStatus'];
  /** How long it waited, in ms. */
  waited: number;
}

/** The task ended with images. Emitted once per task. */
export interface SucceededEvent extends TaskEventBase {
  type: 'succeeded';
  /** The music task id, when known. */
  parentTaskId: string | null;
  /** Image URLs (usually 2). Download them soon: hosts keep them for days, not forever. */
  images: string[];
}

/** The task ended without images. Emitted once per task. */
export interface FailedEvent extends TaskEventBase {
  type: 'failed';
  parentTaskId: string | null;
  /** The host's code (see `CallbackCode`); the record's `errorCode` when polling found it. */
  code: number;
  /** The host's message, verbatim. */
  message: string;
  /** Credits were refunded (531). */
  refunded: boolean;
  /** Submitting again may work (408, 500, 531). */
  retryable: boolean;
}

/** A callback arrived for the task (every one, including repeats). */
export interface CallbackEvent extends TaskEventBase {
  type: 'callback';
  source: 'callback';
  callback: CoverCallback;
  /** `true` when the task had already ended with this outcome: nothing new was dispatched. */
  duplicate: boolean;
}

/**
A report contradicts the outcome the task already ended with (say, a failure callback
after polling found images). The first outcome stands; this only makes it visible.
*/
export interface ConflictEvent extends TaskEventBase {
  type: 'conflict';
  /** The outcome that stands. */
  kept: 'succeeded' | 'failed';
  /** What the later report said. */
  reported: 'succeeded' | 'failed';
  /** The code of the later report. */
  code: number;
}

/** Something failed that does not end a task: a listener threw, a poll failed, a callback could not be confirmed. */
export interface ErrorEvent {
  type: 'error';
  taskId: string | undefined;
  source: EventSource | 'listener';
  error: SunoCoverError;
  at: Date;
}

/** A request failed and will be tried again after `delay` ms. */
export interface RetryEvent {
  type: 'retry';
  /** Method and path, e.g. `GET /api/v1/suno/cover/record-info`. */
  endpoint: string;
  /** The retry about to happen: 1 for the first retry. */
  attempt: number;
  /** Milliseconds until the retry (from `Retry-After` when the host sent one). */
  delay: number;
  /** Why the last attempt failed. */
  error: SunoCoverError;
  /** When the event was emitted. */
  at: Date;
}

/**
The shared task store (the `store` option) became unreachable (`degraded`: this client
settles, runs its listeners and polls on its own) or reachable again (`recovered`: what it
settled meanwhile is recorded in the store).
*/
export interface StoreEvent {
  type: 'store';
  state: 'degraded' | 'recovered';
  /** Why it is degraded. */
  error: SunoCoverError | undefined;
  at: Date;
}

/** Listener signatures of the client's events, for `suno.on(name, listener)`. */
export interface ClientEvents {
  submitted: (event: SubmittedEvent) => void;
  status: (event: StatusEvent) => void;
  timeout: (event: TimeoutEvent) => void;
  succeeded: (event: SucceededEvent) => void;
  failed: (event: FailedEvent) => void;
  callback: (event: CallbackEvent) => void;
  conflict: (event: ConflictEvent) => void;
  error: (event: ErrorEvent) => void;
  retry: (event: RetryEvent) => void;
  store: (event: StoreEvent) => void;
}

/**
Listener signatures of a task's events, for `task.on(name, listener)`: the client's, for
one task. `submitted` is the client's only: it fires before `generate()` hands out the
task object, so no task listener could ever hear it (the task object itself is the news).
*/
export type TaskEvents = Omit<ClientEvents, 'retry' | 'submitted' | 'store'>;

/** Any task event. */
export type TaskEvent = EventOf<keyof TaskEvents>;

/** The event object of a client event. */
export type EventOf<Name extends keyof ClientEvents> = Parameters<ClientEvents[Name]>[0];

/** Anything with eventemitter3's `listeners()`: the client and each task. */
export interface ListenerSource {
  listeners(event: string): unknown[];
  listenerCount(event: string): number;
}

/**
Emits to every listener even when one throws (eventemitter3 would stop at the first): a
throwing or rejecting listener becomes an `error` event, so user code can never break
delivery, an HTTP answer or the process.
*/
export function emitSafely<Name extends keyof ClientEvents>(
  emitter: ListenerSource,
  name: Name,
  event: EventOf<Name>,
  /** Collects what async listeners return: the tracker waits for them before it tells a shared store that a task's client-level listeners are done. */
  pending?: Promise<unknown>[],
): void {
  // listeners() copies the array: skip it when nobody listens, the common case per task.
  if (emitter.listenerCount(name) === 0) return;
  for (const listener of emitter.listeners(name) as ((value: unknown) => unknown)[]) {
    try {
      const result = listener(event);
      // An async listener's rejection must not become an unhandled rejection.
      if (result instanceof Promise) {
        const handled = result.catch((error: unknown) =>
          listenerFailed(emitter, name, event, error),
        );
        pending?.push(handled);
      }
    } catch (error) {
      listenerFailed(emitter, name, event, error);
    }
  }
}

function listenerFailed(emitter: ListenerSource, name: string, event: object, error: unknown) {
  // A throwing `error` listener is dropped: reporting it would loop.
  if (name === 'error') return;
  emitSafely(emitter, 'error', {
    type: 'error',
    taskId: 'taskId' in event && typeof event.taskId === 'string' ? event.taskId : undefined,
    source: 'listener',
    error: new ListenerError(name, error),
    at: new Date(),
  });
}
