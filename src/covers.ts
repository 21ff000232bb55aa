import { ApiError, ClientClosedError, InvalidArgumentError } from './errors.js';
import type { Http } from './internal/http.js';
import { checkKeys } from './internal/keys.js';
import { WindowLimiter } from './internal/limiter.js';
import {
  checkWaitOptions,
  describe,
  type NormalizedOptions,
  pickCallbackUrl,
  type RequestOptions,
} from './options.js';
import { checkCallbackUrlReachable } from './reachability.js';
import { type Route, routes } from './routes.js';
import { type CoverDetails, generateDataSchema } from './schemas.js';
import { CoverTask } from './task.js';
import type { CoverResult, Tracker, WaitOptions } from './tracker.js';

/**
The `callBackUrl` sent when neither the call nor the client names one. The API requires
the field; `.invalid` is a reserved top-level domain that never resolves, so no host can
deliver there and the result arrives by polling `covers.get()` instead.
*/
export const NO_CALLBACK_URL = 'https://callback.invalid/suno-cover/no-callback';

/** What `covers.generate()` takes. */
export interface GenerateCoverParams {
  /** The id of the finished music generation task to make cover art for. */
  taskId: string;
  /**
  Where the host POSTs the result. Overrides the client's `callbackUrl`.
  @default the client's `callbackUrl`, else {@link NO_CALLBACK_URL}
  @example
  await suno.covers.generate({ taskId, callBackUrl: 'https://example.com/api/suno-cover' })
  */
  callBackUrl?: string | undefined;
  /** The client options' spelling of {@link GenerateCoverParams.callBackUrl}; either works, not both. */
  callbackUrl?: string | undefined;
}

const generateKeys = [
  'taskId',
  'callBackUrl',
  'callbackUrl',
] as const satisfies readonly (keyof GenerateCoverParams)[];

/** The cover resource: `suno.covers`. */
export class Covers {
  readonly #http: Http;
  readonly #options: NormalizedOptions;
  readonly #tracker: Tracker;
  readonly #submits: WindowLimiter;
  readonly #route: Route;

  /** @internal The client makes it: `suno.covers`. */
  constructor(http: Http, options: NormalizedOptions, tracker: Tracker) {
    this.#http = http;
    this.#options = options;
    this.#tracker = tracker;
    this.#route = routes[options.api];
    this.#submits = new WindowLimiter(options.submitRate.limit, options.submitRate.interval);
  }

  /**
  Submits a cover task for a finished music task (`POST /api/v1/suno/cover/generate`, or
  `POST /api/v1/jobs/createTask` with `api: 'market'`).

  Safe to retry: one music task gets one cover, and the host answers a repeat with the
  existing cover task's id, which comes back as a task with `existing: true`.

  A callback URL that no public host can reach (localhost, a private address, a `.local`
  name) is refused with `InvalidArgumentError` before anything is sent, while `baseUrl` is
  a public host (see `allowPrivateCallbackUrl`).

  The task is tracked from here on: polled every `pollInterval` until it ends (unless
  `pollingMode` is `'callback-only'`), and settled by whichever of callback and poll
  reports first. `await task.wait()` for the result.

  @example
  ```ts
  const task = await suno.covers.generate({ taskId: musicTaskId });
  const { images } = await task.wait();
  ```
  */
  async generate(params: GenerateCoverParams, options?: RequestOptions): Promise<CoverTask> {
    if (params === null || typeof params !== 'object' || Array.isArray(params)) {
      throw new InvalidArgumentError(
        `covers.generate() takes { taskId, callBackUrl? }, got ${describe(params)}`,
      );
    }
    checkKeys('covers.generate(params)', params, generateKeys);
    if (this.#tracker.closed) throw new ClientClosedError();
    const parentTaskId = checkTaskId('covers.generate({ taskId })', params.taskId);
    const own = pickCallbackUrl('covers.generate(params)', params);
    // The client's own callbackUrl was checked when the client was made.
    if (own !== undefined) checkCallbackUrlReachable('covers.generate(params)', own, this.#options);
    const given = own ?? this.#options.callbackUrl;
    const callBackUrl = given ?? NO_CALLBACK_URL;
    const task = async (taskId: string, existing: boolean) => {
      const created = new CoverTask(
        { taskId, parentTaskId, existing, callbackUrl: given ?? null },
        this.#tracker,
      );
      // An existing task may be finished already: poll it at once.
      const recorded = this.#tracker.track(taskId, created, parentTaskId, existing);
      this.#tracker.emit(taskId, 'submitted', () => ({
        type: 'submitted',
        taskId,
        source: 'submit',
        at: new Date(),
        parentTaskId,
        existing,
      }));
      // With a shared store, the task is recorded for the fleet before it is handed out: a
      // crash right after this resolves leaves it to another instance to poll.
      if (recorded) await recorded;
      return created;
    };
    try {
      const data = await this.#http.request(
        {
          method: 'POST',
          path: this.#route.generatePath,
          json: this.#route.generateBody(parentTaskId, callBackUrl),
          data: generateDataSchema,
          // Past the host's submit rate a request is dropped: each attempt waits for a slot.
          limiter: this.#submits,
          caller: 'covers.generate()',
        },
        options,
      );
      return await task(data.taskId, false);
    } catch (error) {
      const existingId = existingTaskId(error);
      if (existingId !== undefined) return await task(existingId, true);
      throw error;
    }
  }

  /**
  Submits a cover task and waits for its images: `generate()` then `wait()`.

  @example
  ```ts
  const { images } = await suno.covers.generateAndWait({ taskId: musicTaskId }, { timeout: 10 * 60_000 });
  ```
  */
  async generateAndWait(
    params: GenerateCoverParams,
    options: WaitOptions = {},
  ): Promise<CoverResult> {
    // Checked before anything is sent: a bad wait option must not cost a credit.
    checkWaitOptions('covers.generateAndWait(params, options)', options);
    const task = await this.generate(params, { signal: options.signal });
    return task.wait(options);
  }

  /**
  Resumes a task submitted elsewhere (another process, before a restart): returns a task
  object that is polled at once and then every `pollInterval`, and settles like any other.

  @example
  ```ts
  const task = suno.covers.track(savedCoverTaskId);
  const { images } = await task.wait();
  ```
  */
  track(coverTaskId: string): CoverTask {
    const taskId = checkTaskId('covers.track(taskId)', coverTaskId);
    const task = new CoverTask(
      { taskId, parentTaskId: null, existing: false, callbackUrl: null },
      this.#tracker,
    );
    this.#tracker.track(taskId, task, null, true);
    return task;
  }

  /**
  Reads a cover task's details (`GET /api/v1/suno/cover/record-info`, or
  `GET /api/v1/jobs/recordInfo` with `api: 'market'`: the same `CoverDetails` either way).
  An unknown task id throws `NotFoundError`, whichever way the host says so (code 404, 422,
  or `data: null`).

  @example
  ```ts
  const { status, images } = await suno.covers.get(coverTaskId);
  ```
  */
  async get(coverTaskId: string, options?: RequestOptions): Promise<CoverDetails> {
    const taskId = checkTaskId('covers.get(taskId)', coverTaskId);
    const details = await this.#http.request(
      {
        method: 'GET',
        path: this.#route.recordInfoPath,
        searchParams: { taskId },
        data: this.#route.details,
        notFoundCodes: this.#route.notFoundCodes,
        nullDataIsNotFound: true,
        caller: 'covers.get()',
      },
      options,
    );
    // The placeholder is the SDK's, not the user's: `null`, as on the task object.
    if (details.callbackUrl === NO_CALLBACK_URL) details.callbackUrl = null;
    return details;
  }
}

function checkTaskId(where: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidArgumentError(
      `${where} needs a non-empty task id string, got ${describe(value)}`,
    );
  }
  return value.trim();
}

/** "Cover already generated" answers (400 or 409) carry the existing cover task id, on both routes. */
function existingTaskId(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || (error.code !== 400 && error.code !== 409)) return undefined;
  const data = (error.body as { data?: unknown } | null)?.data;
  const parsed = generateDataSchema.safeParse(data);
  return parsed.success ? parsed.data.taskId : undefined;
}
