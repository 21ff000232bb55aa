/**
The typed events of suno-cover. Every event is a plain object with `type` and `at`, so a
listener can log or forward it as it is. Events never carry the API key or webhook secret.
*/
import type { SunoCoverError } from './errors.js';

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

/** Listener signatures of the client's events, for `suno.on(name, listener)`. */
export interface ClientEvents {
  retry: (event: RetryEvent) => void;
}
