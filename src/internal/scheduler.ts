/**
One timer for every poll of every tracked task. Tasks wait in a min-heap ordered by when
they are due; the timer is armed for the earliest one only. Two caps hold at all times: at
most `maxConcurrent` polls in flight, and starts spaced at least 1/`maxPerSecond` s
apart, so no number of tasks can burst the API. A rate-limited answer pauses every poll
and halves the rate, which then recovers step by step. Requests that are not polls (the
receiver's callback confirmations) borrow slots under the same caps with `acquire`, so a
burst of callbacks cannot burst the API either.

The timer keeps the process alive only while someone `hold()`s the scheduler (a pending
`wait()`); otherwise it is unref'd, so a script that has its results exits on its own.
*/

export interface SchedulerOptions {
  /** Time between two polls of a task, in ms. */
  interval: number;
  /** The longest pause a rate-limited answer may impose, in ms (the client's `maxRetryAfter`). */
  maxPause: number;
  /** Spread of each delay, as a fraction of it (0.1 = ±10 %). */
  jitter: number;
  /** Polls in flight at once, at most. */
  maxConcurrent: number;
  /** Poll starts per second, at most. */
  maxPerSecond: number;
  /**
  After this many ms a poll still in flight is taken for lost and the task is polled again
  by `revive()`: on Cloudflare Workers a request that ends takes its unfinished I/O with it.
  */
  staleAfter: number;
  /** Runs one poll. Must not reject. */
  run: (taskId: string) => Promise<void>;
}

/** The longest delay a timer can hold, in ms. */
const maxTimer = 2_147_483_647;

interface Entry {
  taskId: string;
  due: number;
}

/** A request waiting for a slot: `grant` hands it one (its release) or `undefined` (none in time). */
interface Borrower {
  deadline: number;
  grant: (release: (() => void) | undefined) => void;
  expiry: ReturnType<typeof setTimeout> | undefined;
}

type Timer = ReturnType<typeof setTimeout> & { ref?: () => unknown; unref?: () => unknown };

export class Scheduler {
  readonly #options: SchedulerOptions;
  /** The due time of each scheduled task; heap entries that disagree are stale. */
  readonly #due = new Map<string, number>();
  readonly #heap: Entry[] = [];
  /** Polls in flight: when each started. */
  readonly #inFlight = new Map<string, number>();
  readonly #borrowers: Borrower[] = [];
  /** Slots lent with `acquire` and not yet released. */
  #borrowed = 0;
  /** Whose turn it is when a poll is due and a borrower waits: they alternate. */
  #pollsTurn = false;
  #timer: Timer | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #holds = 0;
  #lastStart = Number.NEGATIVE_INFINITY;
  #pausedUntil = 0;
  #rate: number;
  #closed = false;

  constructor(options: SchedulerOptions) {
    this.#options = options;
    this.#rate = options.maxPerSecond;
  }

  /** Tasks waiting for their next poll. */
  get size(): number {
    return this.#due.size;
  }

  /** Requests in flight: polls, and slots lent with `acquire`. */
  get inFlight(): number {
    return this.#inFlight.size + this.#borrowed;
  }

  /** Whether the scheduler's timer is armed (for leak checks). */
  get armed(): boolean {
    return this.#timer !== undefined;
  }

  /** (Re)schedules a task's next poll `delay` ms from now (default: the interval, with jitter). */
  schedule(taskId: string, delay?: number): void {
    if (this.#closed) return;
    const { interval, jitter } = this.#options;
    const wait = delay ?? interval * (1 + jitter * (2 * Math.random() - 1));
    const due = Date.now() + Math.max(0, wait);
    this.#due.set(taskId, due);
    push(this.#heap, { taskId, due });
    this.#arm(due);
  }

  /** Stops polling a task (a poll already in flight still finishes). */
  cancel(taskId: string): void {
    // Lazy removal: the heap entry is skipped when it surfaces.
    this.#due.delete(taskId);
    if (this.#due.size === 0 && this.#borrowers.length === 0 && this.#timer !== undefined)
      this.#clearTimer();
  }

  /**
  A slot for a request that is not a poll, under the same two caps. Resolves with its
  release once the request may start, or with `undefined` when it cannot start by
  `deadline` (epoch ms) — at once when the queue ahead or a rate-limit pause already says
  so. While a poll is due and a request waits, they take turns: a flood of either still
  leaves the other half of the rate.
  */
  acquire(deadline: number): Promise<(() => void) | undefined> {
    const now = Date.now();
    const spacing = 1000 / this.#rate;
    const earliest =
      Math.max(now, this.#pausedUntil, this.#lastStart + spacing) +
      this.#borrowers.length * spacing;
    if (this.#closed || earliest > deadline) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const borrower: Borrower = { deadline, grant: resolve, expiry: undefined };
      borrower.expiry = setTimeout(() => this.#refuse(borrower), deadline - now) as Timer;
      // The request that waits keeps the process alive, not this timer.
      (borrower.expiry as Timer).unref?.();
      this.#borrowers.push(borrower);
      // In the caller's context: the armed timer may belong to a request that has ended.
      this.revive();
    });
  }

  /**
  Sets the timer again from the caller's context, and polls again any task whose poll was
  lost. On Cloudflare Workers a timer set, or a request started, during a request that has
  ended never completes; elsewhere this only replaces a live timer with an equal one.
  */
  revive(): void {
    if (this.#closed) return;
    const now = Date.now();
    for (const [taskId, started] of this.#inFlight) {
      if (now - started <= this.#options.staleAfter) continue;
      this.#inFlight.delete(taskId);
      if (!this.#due.has(taskId)) this.schedule(taskId, 0);
    }
    this.#clearTimer();
    // A tick now runs what is due and arms the timer for the rest.
    if (this.#due.size > 0 || this.#borrowers.length > 0) this.#arm(now);
  }

  /** Keeps the process alive until the returned release is called. */
  hold(): () => void {
    this.#holds++;
    this.#applyRef();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holds--;
      this.#applyRef();
    };
  }

  /** After a rate-limited answer: no poll for `pause` ms, and half the rate for a while. */
  slowDown(pause: number): void {
    // Capped here, for polls and confirmations alike: one answer must not stop polling for a day.
    this.#pausedUntil = Math.max(
      this.#pausedUntil,
      Date.now() + Math.min(pause, this.#options.maxPause),
    );
    this.#rate = Math.max(this.#options.maxPerSecond / 16, this.#rate / 2);
    // Requests that cannot start before their deadline now are told so now.
    for (const borrower of [...this.#borrowers])
      if (borrower.deadline < this.#pausedUntil) this.#refuse(borrower);
    this.#arm(this.#pausedUntil);
  }

  close(): void {
    this.#closed = true;
    this.#due.clear();
    this.#heap.length = 0;
    this.#clearTimer();
    for (const borrower of [...this.#borrowers]) this.#refuse(borrower);
  }

  /** Tells a waiting request that it gets no slot. */
  #refuse(borrower: Borrower): void {
    const index = this.#borrowers.indexOf(borrower);
    if (index >= 0) this.#borrowers.splice(index, 1);
    clearTimeout(borrower.expiry);
    borrower.grant(undefined);
  }

  #tick(): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    if (this.#closed) return;
    const now = Date.now();
    const heap = this.#heap;
    for (;;) {
      let top = heap[0];
      while (top !== undefined && this.#due.get(top.taskId) !== top.due) {
        pop(heap);
        top = heap[0];
      }
      const pollDue = top !== undefined && top.due <= now;
      const borrowing = this.#borrowers.length > 0;
      if (!pollDue && !borrowing) {
        if (top !== undefined) this.#arm(top.due);
        return;
      }
      // At the concurrency cap: the next request to finish ticks again.
      if (this.inFlight >= this.#options.maxConcurrent) return;
      const gate = Math.max(this.#pausedUntil, this.#lastStart + 1000 / this.#rate);
      if (gate > now) {
        this.#arm(gate);
        return;
      }
      if (borrowing && !(pollDue && this.#pollsTurn)) {
        this.#lend(now);
      } else if (top !== undefined) {
        pop(heap);
        this.#due.delete(top.taskId);
        this.#start(top.taskId, now);
      }
    }
  }

  #lend(now: number): void {
    const borrower = this.#borrowers.shift() as Borrower;
    clearTimeout(borrower.expiry);
    this.#started(now);
    this.#pollsTurn = true;
    this.#borrowed++;
    let released = false;
    borrower.grant(() => {
      if (released) return;
      released = true;
      this.#borrowed--;
      if (!this.#closed) this.#arm(Date.now());
    });
  }

  #started(now: number): void {
    this.#lastStart = now;
    // Recover from a slow-down a little with every request.
    this.#rate = Math.min(this.#options.maxPerSecond, this.#rate * 1.1);
  }

  #start(taskId: string, now: number): void {
    this.#started(now);
    this.#pollsTurn = false;
    this.#inFlight.set(taskId, now);
    this.#options.run(taskId).finally(() => {
      // Unless `revive()` gave up on this poll and another one of the task has started.
      if (this.#inFlight.get(taskId) === now) this.#inFlight.delete(taskId);
      // A slot is free: tick for the next due task, if any (no timer for an empty heap).
      if (!this.#closed && (this.#due.size > 0 || this.#borrowers.length > 0))
        this.#arm(Date.now());
    });
  }

  #arm(at: number): void {
    if (this.#closed || at >= this.#timerAt) return;
    this.#clearTimer();
    this.#timerAt = at;
    // A timer past 2^31-1 ms fires at once (and warns): wait in steps no longer than that.
    this.#timer = setTimeout(
      () => this.#tick(),
      Math.min(maxTimer, Math.max(0, at - Date.now())),
    ) as Timer;
    this.#applyRef();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  #applyRef(): void {
    // ref/unref exist on Node, Bun and Deno timers; browsers and workers have neither.
    if (this.#holds > 0) this.#timer?.ref?.();
    else this.#timer?.unref?.();
  }
}

function push(heap: Entry[], entry: Entry): void {
  heap.push(entry);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if ((heap[parent] as Entry).due <= entry.due) break;
    heap[i] = heap[parent] as Entry;
    i = parent;
  }
  heap[i] = entry;
}

function pop(heap: Entry[]): Entry | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length === 0 || last === undefined) return top;
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= heap.length) break;
    const right = left + 1;
    const child =
      right < heap.length && (heap[right] as Entry).due < (heap[left] as Entry).due ? right : left;
    if ((heap[child] as Entry).due >= last.due) break;
    heap[i] = heap[child] as Entry;
    i = child;
  }
  heap[i] = last;
  return top;
}
