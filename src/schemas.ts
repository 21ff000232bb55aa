/**
Wire shapes of the API as zod schemas (`zod/mini`, for bundle size). Every public type of
an API answer is inferred from here, so the schema and the type cannot drift apart.

The schemas accept what the hosts are documented or seen to send, not only what their
examples show: nullable fields, numbers as strings, `task_id` beside `taskId`. The
callback's schema is in callback-schema.ts (only its type is used at run time).
*/
import * as z from 'zod/mini';
import { type CoverStatus, SuccessFlag } from './codes.js';
import { CALLBACK_LIMITS, readImageUrl } from './limits.js';
import { marketFlag, readFailCode, resultImageKeys } from './market.js';

export type { CoverCallback } from './callback-schema.js';

/** A task id: not empty, within its cap. */
export const taskIdString = z
  .string()
  .check(z.minLength(1), z.maxLength(CALLBACK_LIMITS.taskIdLength));

/** A host's message, within its cap. */
export const message = z.string().check(z.maxLength(CALLBACK_LIMITS.messageLength));

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
export const imageUrls = z.array(imageUrl).check(z.maxLength(CALLBACK_LIMITS.images));

/** An integer, also when a host sends it as a string ("200"). */
export const integer = z.union([
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

/** @internal */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a transform pushes its issues into. */
export type Context = { issues: { push(issue: z.core.$ZodRawIssue): unknown } };

/** Records an issue at `path`. */
export function addIssue(
  context: Context,
  input: unknown,
  path: PropertyKey[],
  message: string,
): void {
  context.issues.push({ code: 'custom', input, path, message });
}

/**
Reads a Market `resultJson` (a JSON string, or an object a host sent parsed) into its
image URLs: the first of `resultUrls`, `images`, `imageUrls` that is set (an empty list
when none is). `undefined` when it is malformed; the issues are in `context` at `path`.
*/
export function resultOf(
  value: unknown,
  context: Context,
  path: PropertyKey[],
): { key: string; images: string[] } | undefined {
  let result: unknown = value;
  if (typeof value === 'string') {
    try {
      result = JSON.parse(value);
    } catch {
      addIssue(context, value, path, 'is not valid JSON');
      return undefined;
    }
  }
  if (!isObject(result)) {
    addIssue(context, value, path, 'expected a JSON object');
    return undefined;
  }
  const key = resultImageKeys.find((name) => result[name] !== undefined && result[name] !== null);
  if (key === undefined) return { key: resultImageKeys[0], images: [] };
  const parsed = imageUrls.safeParse(result[key]);
  if (parsed.success) return { key, images: parsed.data };
  for (const issue of parsed.error.issues)
    addIssue(context, value, [...path, key, ...issue.path], describeIssue(issue));
  return undefined;
}

/** An object that a host may send as a JSON string (`param`), read leniently: `{}` when unreadable. */
function looseObject(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      return isObject(parsed) ? parsed : {};
    } catch {
      return {};
    }
  }
  return isObject(value) ? value : {};
}

/** The `data` of kie.ai's Market `GET /api/v1/jobs/recordInfo`, as the host sends it. */
export const marketRecordDataSchema = z.object({
  taskId: taskIdString,
  /** `waiting`, `queuing`, `generating`, `success` or `fail`. */
  state: z.string(),
  /** The submitted request as a JSON string: the music task id and callback URL are read from it. */
  param: z.optional(z.unknown()),
  /** A JSON string whose `resultUrls` hold the images (on success). */
  resultJson: z.optional(z.unknown()),
  /** A string, empty when none; a number in it is the error code. */
  failCode: z.optional(z.unknown()),
  failMsg: z.nullish(message),
  createTime: time,
  completeTime: time,
});

/**
Market record-info `data`, normalized into the same {@link CoverDetails} as the legacy
route's: `state` as `status` and `successFlag`, the images from `resultJson`, `failCode`
as `errorCode` (501 for a failure without a numeric one).
*/
export const marketDetailsSchema = z.pipe(
  marketRecordDataSchema,
  z.transform((raw, context): CoverDetails => {
    // An unknown state reads as pending, so that a tracker keeps asking (as for unknown flags).
    const successFlag = marketFlag(raw.state) ?? SuccessFlag.Pending;
    let images: string[] = [];
    if (successFlag === SuccessFlag.Success && raw.resultJson != null && raw.resultJson !== '') {
      const result = resultOf(raw.resultJson, context, ['resultJson']);
      if (result === undefined) return z.NEVER;
      images = result.images;
    }
    const failed = successFlag === SuccessFlag.Failed;
    const param = looseObject(raw.param);
    const input = looseObject(param.input);
    const parent = input.task_id ?? input.taskId;
    const callbackUrl = param.callBackUrl ?? param.callbackUrl;
    return {
      taskId: raw.taskId,
      parentTaskId:
        typeof parent === 'string' && parent !== '' && parent.length <= CALLBACK_LIMITS.taskIdLength
          ? parent
          : null,
      callbackUrl: typeof callbackUrl === 'string' ? callbackUrl : null,
      status: failed
        ? 'failed'
        : successFlag === SuccessFlag.Success
          ? 'succeeded'
          : successFlag === SuccessFlag.Generating
            ? 'generating'
            : 'pending',
      successFlag,
      images,
      errorCode: failed ? (readFailCode(raw.failCode) ?? 501) : null,
      errorMessage: raw.failMsg ?? null,
      createTime: raw.createTime,
      completeTime: raw.completeTime,
    };
  }),
);

/** The `data` of the credit endpoints: remaining credits (kie.ai may send a fraction). */
export const creditsDataSchema = numeric;

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
