/**
Parsing cover callbacks: from a string, bytes or an already-parsed object to a typed
`CoverCallback`, or a `CallbackParseError` that says what was wrong and where.
*/

import type { CoverCallback } from './callback-schema.js';
import { CallbackParseError, InvalidArgumentError } from './errors.js';
import {
  checkMessage,
  isRecord,
  outcomeOf,
  readCode,
  readImages,
  readTaskId,
} from './internal/fields.js';
import { checkKeys } from './internal/keys.js';
import { marketRecordOf, toMarketCallback } from './market.js';
import { describe } from './options.js';

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

// The last string decoded, and what it decoded to. `verifyCoverCallback({ body })` then
// `parseCoverCallback(body)` read the same string: this spares the second JSON.parse.
// The value is only read, never handed out (the parser copies what it returns).
let lastText: string | undefined;
let lastValue: unknown;

/**
Turns a raw body (string, `Uint8Array`, `ArrayBuffer`) into a JSON value; an object is
taken as already parsed. Throws `CallbackParseError`.
@internal
*/
export function decodeCallbackBody(body: unknown, maxBytes = DEFAULT_MAX_CALLBACK_BYTES): unknown {
  let text: string;
  if (typeof body === 'string') {
    // Each UTF-16 unit is at most 3 UTF-8 bytes: only measure exactly when it could matter.
    // Before the cache: the same body may come with a smaller `maxBytes` the second time.
    if (body.length > maxBytes / 3 && new TextEncoder().encode(body).length > maxBytes) {
      throw new CallbackParseError(`the body is larger than ${maxBytes} bytes`, '', {
        tooLarge: true,
      });
    }
    if (body === lastText) return lastValue;
    text = body;
  } else if (body instanceof Uint8Array || body instanceof ArrayBuffer) {
    if (body.byteLength > maxBytes)
      throw new CallbackParseError(`the body is larger than ${maxBytes} bytes`, '', {
        tooLarge: true,
      });
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
    const value: unknown = JSON.parse(text);
    if (typeof body === 'string') {
      lastText = body;
      lastValue = value;
    }
    return value;
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
  type Ids = { taskId?: unknown; task_id?: unknown };
  const body = value as (Ids & { data?: Ids }) | null;
  // A bare Market record has no `data`: its task id is at the top.
  const ids = body?.data ?? body;
  const id = ids?.taskId ?? ids?.task_id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
Validates a decoded body into a `CoverCallback`. This is `coverCallbackSchema` (the wire
shape in schemas.ts, where the type comes from) written out by hand: the benchmarks
showed zod at 2.4× the cost of `JSON.parse` on this hot path, and zod made a
parse-and-verify-only app 9.7 KB instead of 3. A property test holds both to the same
answers for every input. `fresh` says the value came from `JSON.parse` here, so its
strings need no copy.
@internal
*/
export function toCoverCallback(value: unknown, fresh = false): CoverCallback {
  if (!isRecord(value)) throw new CallbackParseError('expected object');
  const { data } = value;
  // One property read on the legacy path: a record with a `state` is the Market's.
  const market = marketRecordOf(value);
  if (market !== undefined)
    return toMarketCallback(market === value ? undefined : value, market, fresh);
  const code = readCode(value.code);
  const msg = checkMessage(value.msg, 'msg') ?? '';
  if (!isRecord(data)) throw new CallbackParseError('expected object', 'data');
  const id = readTaskId(data);
  const images = readImages(data.images, fresh);
  if (code === 200 && !images?.length) {
    throw new CallbackParseError(
      'a success (code 200) must carry at least one image URL',
      'data.images',
    );
  }
  return outcomeOf(id, code, msg, code === 200 ? images : undefined, fresh);
}

/**
Parses a cover callback body. Accepts the raw body (string, `Uint8Array`, `ArrayBuffer`)
or an object a framework already parsed; `data.task_id` is read as `data.taskId`.

Any code is accepted: 200 with images is a success, anything else a failure that keeps
its code. Throws `CallbackParseError`, and nothing else, for anything that is not a
valid callback.

Fields are capped ({@link CALLBACK_LIMITS}: task id 128 characters, `msg` 1024, 8 image
URLs of 2048 characters each), and every image URL must be an absolute `http:` or
`https:` URL (never `javascript:`, `data:` or `file:`); past a cap, or with another
scheme, the error's `path` names the field (`data.images.1`). A URL that is not plain
ASCII comes back as the URL parser normalizes it (`new URL(url).href`).

@example
```ts
const callback = parseCoverCallback(await request.text());
if (callback.status === 'succeeded') save(callback.taskId, callback.images);
else if (callback.refunded) offerRetry(callback.taskId);
```
*/
export function parseCoverCallback(
  body: unknown,
  options?: ParseCoverCallbackOptions,
): CoverCallback {
  let maxBytes: number | undefined;
  if (options !== undefined) {
    if (options === null || typeof options !== 'object')
      throw new InvalidArgumentError(
        `parseCoverCallback(body, options) takes { maxBytes }, got ${describe(options)}`,
      );
    checkKeys('parseCoverCallback(body, options)', options, ['maxBytes']);
    maxBytes = options.maxBytes;
    if (
      maxBytes !== undefined &&
      (typeof maxBytes !== 'number' || !Number.isInteger(maxBytes) || maxBytes < 1)
    ) {
      throw new InvalidArgumentError(
        `parseCoverCallback(): \`maxBytes\` must be a positive whole number of bytes, got ${describe(maxBytes)}`,
      );
    }
  }
  const value = decodeCallbackBody(body, maxBytes);
  return toCoverCallback(value, value !== body);
}
