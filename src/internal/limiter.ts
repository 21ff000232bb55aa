/**
A sliding-window limit on how many calls may start in any `interval` ms. kie.ai drops
(does not queue) generation requests past 20 per 10 s, so the SDK queues them itself.
*/
import { sleep } from './retry.js';

export class WindowLimiter {
  readonly #limit: number;
  readonly #interval: number;
  /** Start times of the calls in the current window, oldest first. */
  readonly #starts: number[] = [];
  /** Calls waiting for a slot, in order, so that none overtakes another. */
  #queue: Promise<void> = Promise.resolve();

  constructor(limit: number, interval: number) {
    this.#limit = limit;
    this.#interval = interval;
  }

  /** Resolves when a call may start (and counts it); rejects with the signal's reason on abort. */
  take(signal?: AbortSignal): Promise<void> {
    const turn = this.#queue.then(() => this.#wait(signal));
    // A caller that gave up must not hold up the ones behind it.
    this.#queue = turn.catch(() => {});
    return turn;
  }

  async #wait(signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = Date.now();
      while (this.#starts.length > 0 && now - (this.#starts[0] as number) >= this.#interval)
        this.#starts.shift();
      if (this.#starts.length < this.#limit) {
        this.#starts.push(now);
        return;
      }
      await sleep((this.#starts[0] as number) + this.#interval - now, signal);
    }
  }
}
