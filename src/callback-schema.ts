/**
The callback body as a zod schema: the wire shape `CoverCallback` is inferred from, in
both shapes (legacy and Market). At run time the SDK reads callbacks with the hand-written
readers of callbacks.ts and market.ts (faster, and no zod in an app that only parses); a
property test holds them to exactly this schema's answers. Nothing at run time imports
this module's values, so no bundle carries them.
*/
import * as z from 'zod/mini';
import { isRefundedCode, isRetryableCode, SuccessFlag } from './codes.js';
import { marketFlag, readFailCode } from './market.js';
import {
  addIssue,
  type Context,
  describeIssue,
  imageUrls,
  integer,
  isObject,
  message,
  resultOf,
  taskIdString,
} from './schemas.js';

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
      message: 'the task id is missing: set data.taskId or data.task_id',
      path: ['data', 'taskId'],
    }),
    z.refine((body) => body.code !== 200 || (body.data.images?.length ?? 0) > 0, {
      message: 'a success (code 200) must carry at least one image URL',
      path: ['data', 'images'],
    }),
  );

/** A legacy callback (`data.images`), normalized into {@link CoverCallback}. */
const legacyCallbackSchema = z.pipe(
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

type Callback = z.output<typeof legacyCallbackSchema>;

/** The parts of a Market task record a callback is read from. */
const marketCallbackFields = {
  taskId: z.optional(taskIdString),
  task_id: z.optional(taskIdString),
  state: z.string(),
  resultJson: z.optional(z.unknown()),
  failCode: z.optional(z.unknown()),
  failMsg: z.nullish(message),
};

type MarketCallbackRecord = z.output<z.ZodMiniObject<typeof marketCallbackFields>>;

/** A Market record as a callback: only `success` and `fail` are final. */
function marketCallback(
  record: MarketCallbackRecord,
  envelope: { code: number; msg?: string | null | undefined } | undefined,
  context: Context,
): Callback {
  const prefix = envelope ? ['data'] : [];
  const taskId = record.taskId ?? record.task_id;
  if (taskId === undefined) {
    addIssue(context, record, [...prefix, 'taskId'], 'the task id is missing');
    return z.NEVER;
  }
  const flag = marketFlag(record.state);
  const msg = envelope?.msg ?? '';
  if (flag === SuccessFlag.Success) {
    const path = [...prefix, 'resultJson'];
    if (record.resultJson === undefined || record.resultJson === null) {
      addIssue(context, record, path, 'a success must carry the image URLs in resultJson');
      return z.NEVER;
    }
    const result = resultOf(record.resultJson, context, path);
    if (result === undefined) return z.NEVER;
    if (result.images.length === 0) {
      addIssue(
        context,
        record,
        [...path, result.key],
        'a success must carry at least one image URL',
      );
      return z.NEVER;
    }
    return { status: 'succeeded', taskId, code: 200, msg, images: result.images };
  }
  if (flag === SuccessFlag.Failed) {
    const code = readFailCode(record.failCode) ?? readFailCode(envelope?.code) ?? 501;
    return {
      status: 'failed',
      taskId,
      code,
      msg: record.failMsg || msg,
      images: [],
      refunded: isRefundedCode(code),
      retryable: isRetryableCode(code),
    };
  }
  addIssue(
    context,
    record,
    [...prefix, 'state'],
    `must be "success" or "fail" (a callback reports a finished task), got ${JSON.stringify(record.state.slice(0, 40))}`,
  );
  return z.NEVER;
}

/** A Market callback: the task record inside `{ code, msg, data }`. */
const marketEnvelopeCallbackSchema = z.pipe(
  z.object({ code: integer, msg: z.nullish(message), data: z.object(marketCallbackFields) }),
  z.transform((body, context) => marketCallback(body.data, body, context)),
);

/** A Market callback: the task record alone. */
const marketBareCallbackSchema = z.pipe(
  z.object(marketCallbackFields),
  z.transform((record, context) => marketCallback(record, undefined, context)),
);

/**
A cover callback in either shape, normalized into {@link CoverCallback}: the legacy
`{ code, msg, data: { taskId, images } }`, or kie.ai's Market task record (with a
`state`), inside `{ code, msg, data }` or bare. Both are accepted whatever route the
client uses: an app that switches routes receives both kinds for a while.
*/
export const coverCallbackSchema = z.pipe(
  z.unknown(),
  z.transform((value, context): Callback => {
    let schema: z.ZodMiniType<Callback> = legacyCallbackSchema;
    if (isObject(value)) {
      const { data } = value;
      if (isObject(data) ? data.state != null : data === undefined && value.state != null) {
        schema = data === undefined ? marketBareCallbackSchema : marketEnvelopeCallbackSchema;
      }
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      context.issues.push({
        code: 'custom',
        input: value,
        path: issue.path,
        message: describeIssue(issue),
      });
    }
    return z.NEVER;
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
