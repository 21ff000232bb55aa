/**
The two routes to cover generation, as `covers.ts` uses them: where to submit, what body,
where to read a task, and how its answer becomes `CoverDetails`. Everything else — the
envelope, retries, tracking, callbacks — is the same on both, so `covers.ts` holds no
route `if`s: it asks the route of its client.
*/
import type * as z from 'zod/mini';
import type { Api } from './hosts.js';
import { MARKET_COVER_MODEL } from './market.js';
import { type CoverDetails, coverDetailsSchema, marketDetailsSchema } from './schemas.js';

export interface Route {
  /** `POST` path that submits a cover task; answers `{ taskId }`. */
  readonly generatePath: string;
  /** The body of that `POST`. */
  generateBody(musicTaskId: string, callBackUrl: string): unknown;
  /** `GET` path that reads a task by `?taskId=`. */
  readonly recordInfoPath: string;
  /** The schema of that answer's `data`, into `CoverDetails`. */
  readonly details: z.ZodMiniType<CoverDetails>;
  /** Body codes that mean "no such task" on the record path, beside 404. */
  readonly notFoundCodes: readonly number[];
}

export const routes: Readonly<Record<Api, Route>> = {
  legacy: {
    generatePath: 'api/v1/suno/cover/generate',
    generateBody: (taskId, callBackUrl) => ({ taskId, callBackUrl }),
    recordInfoPath: 'api/v1/suno/cover/record-info',
    details: coverDetailsSchema,
    notFoundCodes: [422],
  },
  market: {
    generatePath: 'api/v1/jobs/createTask',
    // The music task id goes inside `input`, spelt in snake case.
    generateBody: (taskId, callBackUrl) => ({
      model: MARKET_COVER_MODEL,
      callBackUrl,
      input: { task_id: taskId },
    }),
    recordInfoPath: 'api/v1/jobs/recordInfo',
    details: marketDetailsSchema,
    // kie.ai documents 404 for an unknown task here; 422 (its validation error) is read as
    // one too, as on the legacy route, where hosts answer 422 "Record does not exist".
    notFoundCodes: [422],
  },
};
