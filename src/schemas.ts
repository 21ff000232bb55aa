/**
Wire shapes of the API as zod schemas (`zod/mini`, for bundle size). Every public type of
an API answer is inferred from here, so the schema and the type cannot drift apart.

The schemas accept what the hosts are documented or seen to send, not only what their
examples show: nullable fields, numbers as strings, `task_id` beside `taskId`.
*/
import * as z from 'zod/mini';
import { type CoverStatus, isRefundedCode, isRetryableCode, SuccessFlag } from './codes.js';
import { CALLBACK_LIMITS, readImageUrl } from './limits.js';

/** A task id: not empty, within its cap. */
const taskIdString = z.string().check(z.minLength(1), z.maxLength(CALLBACK_LIMITS.taskIdLength));

/** A host's message, within its cap. */
const message = z.string().check(z.maxLength(CALLBACK_LIMITS.messageLength));

/** An absolute http(s) image URL within its cap, as `readImageUrl` keeps it. */
const imageUrl = z.pipe(
  z.string().check(z.maxLength(CALLBACK_LIMITS.imageUrlLength)),
  z.transform((value, context) => {
    const url = readImageUrl(value);
    if (url !== undefined && url.length <= CALLBACK_LIMITS.imageUrlLength) return url;
    context.issues.push({
      code: 'custom',
      input: value,
      message:
        url === undefined
          ? 'must be an absolute http: or https: URL'
          : `must be at most ${CALLBACK_LIMITS.imageUrlLength} characters long`,
    });
    return z.NEVER;
  }),
);

/** Image URLs, at most `CALLBACK_LIMITS.images` of them. */
const imageUrls = z.array(imageUrl).check(z.maxLength(CALLBACK_LIMITS.images));

/** An integer, also when a host sends it as a string ("200"). */
const integer = z.union([
  z.int(),
  z.pipe(z.string().check(z.regex(/^-?\d+$/)), z.transform(Number)),
]);

/** A number, also when a host sends it as a string ("12.5"). */
const numeric = z.union([
  z.number(),
  z.pipe(z.string().check(z.regex(/^-?\d+(\.\d+)?$/)), z.transform(Number)),
]);

/** A time as an ISO string or epoch milliseconds; unreadable or missing times become `null`. */
const time = z.pipe(
  z.nullish(z.union([z.string(), z.number()])),
  z.transform((value): Date | null => {
    if (value === null || value === undefined || value === '') return null;
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? null : date;
  }),
);

/** The `{ code, msg, data }` envelope every endpoint answers with. */
export const envelopeSchema = z.object({
  code: integer,
  msg: z.pipe(
    z.nullish(z.string()),
    z.transform((msg) => msg ?? ''),
  ),
  data: z.optional(z.unknown()),
});

/** The `data` of a successful `POST /api/v1/suno/cover/generate`. */
export const generateDataSchema = z.object({
  /** The new cover task id (not the music task id that was sent). */
  taskId: taskIdString,
});

/** Status names that the docs' prose uses; some hosts may send them in place of the number. */
const flagNames: Record<string, SuccessFlag> = {
  PENDING: SuccessFlag.Pending,
  GENERATING: SuccessFlag.Generating,
  SUCCESS: SuccessFlag.Success,
  CREATE_TASK_FAILED: SuccessFlag.Failed,
  GENERATE_COVER_FAILED: SuccessFlag.Failed,
};

const successFlag = z.union([
  integer,
  z.pipe(
    z.string().check(z.refine((name) => name.toUpperCase() in flagNames, 'unknown status name')),
    z.transform((name) => flagNames[name.toUpperCase()] as number),
  ),
]);

/** The `data` of `GET /api/v1/suno/cover/record-info`, as the host sends it. */
export const recordInfoDataSchema = z.object({
  taskId: taskIdString,
  parentTaskId: z.nullish(z.string().check(z.maxLength(CALLBACK_LIMITS.taskIdLength))),
  callbackUrl: z.nullish(z.string()),
  /** The request spells it `callBackUrl`; accepted here too in case a host echoes that. */
  callBackUrl: z.nullish(z.string()),
  createTime: time,
  completeTime: time,
  response: z.nullish(z.object({ images: z.nullish(imageUrls) })),
  successFlag,
  errorCode: z.nullish(integer),
  errorMessage: z.nullish(message),
});

/** Error codes that mean "no error" in record-info's `errorCode`. */
const noErrorCodes = new Set([0, 200]);

function statusOf(
  flag: number,
  errorCode: number | null,
  errorMessage: string | null,
): CoverStatus {
  if (flag === SuccessFlag.Success) return 'succeeded';
  if (flag === SuccessFlag.Failed) return 'failed';
  // A permanent error can show up in the error fields before the flag turns to 3.
  if (
    (errorMessage !== null && errorMessage.trim() !== '') ||
    (errorCode !== null && !noErrorCodes.has(errorCode))
  ) {
    return 'failed';
  }
  // Unknown flags are treated as "still pending" so that a tracker keeps asking.
  return flag === SuccessFlag.Generating ? 'generating' : 'pending';
}

/** Record-info `data`, normalized into {@link CoverDetails}. */
export const coverDetailsSchema = z.pipe(
  recordInfoDataSchema,
  z.transform((raw) => {
    const errorCode = raw.errorCode ?? null;
    const errorMessage = raw.errorMessage ?? null;
    return {
      /** The cover task id. */
      taskId: raw.taskId,
      /** The music task id the cover was made for. */
      parentTaskId: raw.parentTaskId ?? null,
      /** The callback URL the task was submitted with. */
      callbackUrl: raw.callbackUrl ?? raw.callBackUrl ?? null,
      /** Derived from `successFlag` and the error fields. */
      status: statusOf(raw.successFlag, errorCode, errorMessage),
      /** The raw flag: 0 pending, 2 generating, 1 success, 3 failed (see `SuccessFlag`). */
      successFlag: raw.successFlag,
      /**
      Image URLs (usually 2) once succeeded; empty before. Kept by the host ~14 days. Only
      absolute http(s) URLs are accepted (see `CALLBACK_LIMITS` for the caps).
      */
      images: raw.response?.images ?? [],
      /** The host's error code; `null`, 0 or 200 when there is none. */
      errorCode,
      /** The host's error message, verbatim; `null` or empty when there is none. */
      errorMessage,
      createTime: raw.createTime,
      completeTime: raw.completeTime,
    };
  }),
);

/** Details of a cover task, from `covers.get()`. */
export type CoverDetails = z.output<typeof coverDetailsSchema>;

/** The `data` of the credit endpoints: remaining credits (kie.ai may send a fraction). */
export const creditsDataSchema = numeric;

/** The body a host POSTs to `callBackUrl`, as sent. `data.task_id` is one host's spelling. */
export const callbackBodySchema = z
  .object({
    code: integer,
    msg: z.pipe(
      z.nullish(message),
      z.transform((msg) => msg ?? ''),
    ),
    data: z.object({
      taskId: z.optional(taskIdString),
      task_id: z.optional(taskIdString),
      images: z.nullish(imageUrls),
    }),
  })
  .check(
    z.refine((body) => (body.data.taskId ?? body.data.task_id) !== undefined, {
      message: 'the task id is missing (neither data.taskId nor data.task_id is set)',
      path: ['data', 'taskId'],
    }),
    z.refine((body) => body.code !== 200 || (body.data.images?.length ?? 0) > 0, {
      message: 'a success (code 200) must carry at least one image URL',
      path: ['data', 'images'],
    }),
  );

/** A cover callback, normalized into {@link CoverCallback}. */
export const coverCallbackSchema = z.pipe(
  callbackBodySchema,
  z.transform((body) => {
    const taskId = (body.data.taskId ?? body.data.task_id) as string;
    if (body.code === 200) {
      return {
        status: 'succeeded' as const,
        taskId,
        code: 200 as const,
        msg: body.msg,
        images: body.data.images ?? [],
      };
    }
    return {
      status: 'failed' as const,
      taskId,
      code: body.code,
      msg: body.msg,
      images: [] as string[],
      /** Credits were refunded (code 531). */
      refunded: isRefundedCode(body.code),
      /** Submitting again may work (408, 500, 531). */
      retryable: isRetryableCode(body.code),
    };
  }),
);

/**
A parsed cover callback: `status: 'succeeded'` with its images, or `status: 'failed'` with
the host's code (see `CallbackCode`), `refunded` and `retryable`. `msg` is verbatim.

Narrow it on `status`. A failure keeps any code the host sent, so its `code` is a plain
`number`, and TypeScript cannot tell from `code === CallbackCode.Success` that a callback
is not a failure (it has no "number but 200" type).
*/
export type CoverCallback = z.output<typeof coverCallbackSchema>;

/** The parts of a zod issue the SDK reads. */
interface Issue {
  code: string;
  message: string;
  path: PropertyKey[];
  expected?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  origin?: string;
}

/**
A readable message for a schema issue. `zod/mini` ships no messages (only "Invalid input")
and loading its locale would change the user's global zod config, so the SDK words its own.
*/
export function describeIssue(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected ?? 'another type'}`;
    case 'too_small':
      return issue.origin === 'string' && Number(issue.minimum) === 1
        ? 'must not be empty'
        : `must be at least ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'array'
        ? `must have at most ${issue.maximum} items`
        : `must be at most ${issue.maximum} characters long`;
    case 'invalid_union':
      return 'has an unexpected type or format';
    case 'invalid_format':
      return 'has an unexpected format';
    default:
      return issue.message;
  }
}
