import { ApiError, InvalidArgumentError } from './errors.js';
import type { Http } from './internal/http.js';
import { checkUrl, describe, type NormalizedOptions, type RequestOptions } from './options.js';
import { type CoverDetails, coverDetailsSchema, generateDataSchema } from './schemas.js';
import { CoverTask } from './task.js';

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
  */
  callBackUrl?: string | undefined;
}

const generatePath = 'api/v1/suno/cover/generate';
const recordInfoPath = 'api/v1/suno/cover/record-info';

/** The cover resource: `suno.covers`. */
export class Covers {
  readonly #http: Http;
  readonly #options: NormalizedOptions;

  constructor(http: Http, options: NormalizedOptions) {
    this.#http = http;
    this.#options = options;
  }

  /**
  Submits a cover task for a finished music task (`POST /api/v1/suno/cover/generate`).

  Safe to retry: one music task gets one cover, and the host answers a repeat with the
  existing cover task's id, which comes back as a task with `existing: true`.

  @example
  ```ts
  const task = await suno.covers.generate({ taskId: musicTaskId });
  console.log(task.taskId, task.existing);
  ```
  */
  async generate(params: GenerateCoverParams, options?: RequestOptions): Promise<CoverTask> {
    if (params === null || typeof params !== 'object') {
      throw new InvalidArgumentError(
        `covers.generate() takes { taskId, callBackUrl? }, got ${describe(params)}`,
      );
    }
    const parentTaskId = checkTaskId('covers.generate({ taskId })', params.taskId);
    const given =
      params.callBackUrl === undefined
        ? this.#options.callbackUrl
        : checkUrl('callBackUrl', params.callBackUrl);
    const callBackUrl = given ?? NO_CALLBACK_URL;
    const task = (taskId: string, existing: boolean) =>
      new CoverTask({ taskId, parentTaskId, existing, callbackUrl: given ?? null });
    try {
      const data = await this.#http.request(
        {
          method: 'POST',
          path: generatePath,
          json: { taskId: parentTaskId, callBackUrl },
          data: generateDataSchema,
        },
        options,
      );
      return task(data.taskId, false);
    } catch (error) {
      const existingId = existingTaskId(error);
      if (existingId !== undefined) return task(existingId, true);
      throw error;
    }
  }

  /**
  Reads a cover task's details (`GET /api/v1/suno/cover/record-info`). An unknown task id
  throws `NotFoundError`, whichever way the host says so (code 404, 422, or `data: null`).

  @example
  ```ts
  const { status, images } = await suno.covers.get(coverTaskId);
  ```
  */
  async get(coverTaskId: string, options?: RequestOptions): Promise<CoverDetails> {
    const taskId = checkTaskId('covers.get(taskId)', coverTaskId);
    return this.#http.request(
      {
        method: 'GET',
        path: recordInfoPath,
        searchParams: { taskId },
        data: coverDetailsSchema,
        notFoundCodes: [422],
        nullDataIsNotFound: true,
      },
      options,
    );
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

/** "Cover already generated" answers (400 or 409) carry the existing cover task id. */
function existingTaskId(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || (error.code !== 400 && error.code !== 409)) return undefined;
  const data = (error.body as { data?: unknown } | null)?.data;
  const parsed = generateDataSchema.safeParse(data);
  return parsed.success ? parsed.data.taskId : undefined;
}
