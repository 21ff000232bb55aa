import { EventEmitter } from 'eventemitter3';
import type { TaskEvents } from './events.js';
import { displayUrl } from './internal/log.js';
import type { CoverResult, Tracker, WaitOptions } from './tracker.js';

/** What a task object is made from. */
export interface CoverTaskInit {
  taskId: string;
  parentTaskId: string | null;
  existing: boolean;
  callbackUrl: string | null;
}

/**
A cover task: await its result with `wait()`, or listen to its events (`status`,
`succeeded`, `failed`, `callback`, `timeout`, `error`, `conflict`). Whether the result comes
by callback or by polling, the task settles once and every waiter gets the same outcome.

@example
```ts
const task = await suno.covers.generate({ taskId: musicTaskId });
task.on('status', (event) => console.log(event.status));
const { images, source } = await task.wait({ timeout: 10 * 60_000 });
```
*/
export class CoverTask extends EventEmitter<TaskEvents> {
  /** The cover task id (use it with `covers.get()` or `covers.track()`). */
  readonly taskId: string;
  /**
  `true` when the host answered "cover already generated" with the existing task's id
  (code 400 or 409): no new task was created and no credits were spent.
  */
  readonly existing: boolean;
  readonly #callbackUrl: string | null;
  readonly #tracker: Tracker;
  readonly #parentTaskId: string | null;

  /** @internal Tasks come from `covers.generate()` and `covers.track()`. */
  constructor(init: CoverTaskInit, tracker: Tracker) {
    super();
    this.taskId = init.taskId;
    this.existing = init.existing;
    // Private, behind a getter: util.inspect and console.log show own fields, and the
    // URL may carry the callback token.
    this.#callbackUrl = init.callbackUrl;
    this.#parentTaskId = init.parentTaskId;
    this.#tracker = tracker;
  }

  /** The callBackUrl sent with the task, or `null` when none was set (results come by polling). */
  get callbackUrl(): string | null {
    return this.#callbackUrl;
  }

  /** The music task id the cover was requested for; `null` while unknown (a resumed task before its first poll). */
  get parentTaskId(): string | null {
    return this.#parentTaskId ?? this.#tracker.parentOf(this.taskId);
  }

  /** The last status known: from polls, or final once settled; `'unknown'` before anything was heard. */
  get status(): 'pending' | 'generating' | 'succeeded' | 'failed' | 'unknown' {
    return this.#tracker.statusOf(this.taskId);
  }

  /**
  Resolves with `{ taskId, parentTaskId, images, source }` when the task succeeds; rejects
  with `TaskFailedError` (code, msg, refunded), `TaskTimeoutError` after `timeout`, the
  signal's reason on abort, or an `ApiError` that polling cannot get past (401, 402, an
  unknown task). A task that already settled — even by a callback that came before this
  object existed — settles the wait at once.
  */
  wait(options?: WaitOptions): Promise<CoverResult> {
    return this.#tracker.wait(this.taskId, this, options);
  }

  /** A plain summary, for logs. */
  toJSON(): Record<string, unknown> {
    const { taskId, existing, callbackUrl, parentTaskId, status } = this;
    return {
      taskId,
      parentTaskId,
      existing,
      status,
      callbackUrl: callbackUrl === null ? null : displayUrl(callbackUrl),
    };
  }

  /** What `console.log(task)` and `util.inspect(task)` show: the summary, token redacted. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `CoverTask ${JSON.stringify(this.toJSON())}`;
  }
}
