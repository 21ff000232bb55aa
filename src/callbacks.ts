/**
Parsing cover callbacks: from a string, bytes or an already-parsed object to a typed
`CoverCallback`, or a `CallbackParseError` that says what was wrong and where.
*/
import { CallbackParseError } from './errors.js';
import { describe } from './options.js';
import { type CoverCallback, coverCallbackSchema, describeIssue } from './schemas.js';

/** The largest callback body accepted by default: real ones are about 300 bytes. */
export const DEFAULT_MAX_CALLBACK_BYTES = 64 * 1024;

/** Options of `parseCoverCallback()`. */
export interface ParseCoverCallbackOptions {
  /**
  The largest body accepted, in bytes (strings and bytes only).
  @default 65_536
  */
  maxBytes?: number | undefined;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
Turns a raw body (string, `Uint8Array`, `ArrayBuffer`) into a JSON value; an object is
taken as already parsed. Throws `CallbackParseError`.
@internal
*/
export function decodeCallbackBody(body: unknown, maxBytes = DEFAULT_MAX_CALLBACK_BYTES): unknown {
  let text: string;
  if (typeof body === 'string') {
    // Each UTF-16 unit is at most 3 UTF-8 bytes: only measure exactly when it could matter.
    if (body.length > maxBytes / 3 && new TextEncoder().encode(body).length > maxBytes) {
      throw new CallbackParseError(`the body is larger than ${maxBytes} bytes`);
    }
    text = body;
  } else if (body instanceof Uint8Array || body instanceof ArrayBuffer) {
    if (body.byteLength > maxBytes)
      throw new CallbackParseError(`the body is larger than ${maxBytes} bytes`);
    try {
      text = decoder.decode(body);
    } catch (error) {
      throw new CallbackParseError('the body is not valid UTF-8', '', { cause: error });
    }
  } else if (
    body !== null &&
    typeof body === 'object' &&
    !Array.isArray(body) &&
    !ArrayBuffer.isView(body)
  ) {
    return body;
  } else {
    throw new CallbackParseError(
      `expected a JSON string, bytes or a parsed object, got ${describe(body)}`,
    );
  }
  if (text.trim() === '') throw new CallbackParseError('the body is empty');
  try {
    return JSON.parse(text);
  } catch (error) {
    // Also catches the RangeError of absurdly deep nesting.
    throw new CallbackParseError('the body is not valid JSON', '', { cause: error });
  }
}

/**
The task id of a decoded body, without validating the rest (verification needs it before
the body is trusted enough to parse).
@internal
*/
export function readCallbackTaskId(value: unknown): string | undefined {
  const data = (value as { data?: { taskId?: unknown; task_id?: unknown } } | null)?.data;
  const id = data?.taskId ?? data?.task_id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** Validates a decoded body. @internal */
export function toCoverCallback(value: unknown): CoverCallback {
  const result = coverCallbackSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  throw new CallbackParseError(issue ? describeIssue(issue) : 'not a cover callback', path);
}

/**
Parses a cover callback body. Accepts the raw body (string, `Uint8Array`, `ArrayBuffer`)
or an object a framework already parsed; `data.task_id` is read as `data.taskId`.

Any code is accepted: 200 with images is a success, anything else a failure that keeps
its code. Throws `CallbackParseError`, and nothing else, for anything that is not a
valid callback.

@example
```ts
const callback = parseCoverCallback(await request.text());
if (callback.status === 'succeeded') save(callback.taskId, callback.images);
else if (callback.refunded) offerRetry(callback.taskId);
```
*/
export function parseCoverCallback(
  body: unknown,
  options: ParseCoverCallbackOptions = {},
): CoverCallback {
  return toCoverCallback(decodeCallbackBody(body, options.maxBytes));
}
