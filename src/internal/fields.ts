/**
The field readers of the hand-written callback parsers (callbacks.ts for the legacy shape,
market.ts for the Market one): each checks one field against its cap in
`CALLBACK_LIMITS` and throws `CallbackParseError` naming where. No zod here: an app that
only parses callbacks must not load it.
*/
import type { CoverCallback } from '../callback-schema.js';
import { isRefundedCode, isRetryableCode } from '../codes.js';
import { CallbackParseError } from '../errors.js';
import { CALLBACK_LIMITS, readImageUrl } from '../limits.js';

export type Fields = Record<string, unknown>;

export function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
A flat copy of a string. A string cut from a larger one (`slice`, `substring`) may keep
the whole of it alive in V8; an outcome is stored for an hour, and must not keep a body.
`JSON.parse` already makes fresh strings: only objects handed in parsed need this.
*/
export function copy(value: string): string {
  return ` ${value}`.slice(1);
}

export function tooLong(path: string, cap: 'taskIdLength' | 'messageLength' | 'imageUrlLength') {
  return new CallbackParseError(
    `must be at most ${CALLBACK_LIMITS[cap]} characters long (CALLBACK_LIMITS.${cap})`,
    path,
  );
}

/** A missing optional task id field is fine; anything else must be a non-empty string within its cap. */
export function checkIdField(
  data: Fields,
  name: 'taskId' | 'task_id',
  prefix = 'data.',
): string | undefined {
  const value = data[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new CallbackParseError('expected string', prefix + name);
  if (value === '') throw new CallbackParseError('must not be empty', prefix + name);
  if (value.length > CALLBACK_LIMITS.taskIdLength) throw tooLong(prefix + name, 'taskIdLength');
  return value;
}

/** The task id of a callback record: `taskId` or `task_id` (both checked when set). */
export function readTaskId(data: Fields, prefix = 'data.'): string {
  const taskId = checkIdField(data, 'taskId', prefix);
  const snakeId = checkIdField(data, 'task_id', prefix);
  const id = taskId ?? snakeId;
  if (id === undefined) {
    throw new CallbackParseError(
      `the task id is missing: set ${prefix}taskId or ${prefix}task_id`,
      `${prefix}taskId`,
    );
  }
  return id;
}

/**
The outcome a callback reports: a success when it carries `images`, else a failure with
`code`. Strings of a body handed in parsed (`fresh` false) are copied (see {@link copy}).
*/
export function outcomeOf(
  id: string,
  code: number,
  msg: string,
  images: string[] | undefined,
  fresh: boolean,
): CoverCallback {
  const taskId = fresh ? id : copy(id);
  const text = fresh ? msg : copy(msg);
  return images
    ? { status: 'succeeded', taskId, code: 200, msg: text, images }
    : {
        status: 'failed',
        taskId,
        code,
        msg: text,
        images: [],
        refunded: isRefundedCode(code),
        retryable: isRetryableCode(code),
      };
}

/** A message field: missing or null is fine, else a string within its cap. */
export function checkMessage(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new CallbackParseError('expected string', path);
  if (value.length > CALLBACK_LIMITS.messageLength) throw tooLong(path, 'messageLength');
  return value;
}

export function readCode(code: unknown): number {
  if (typeof code === 'number' && Number.isSafeInteger(code)) return code;
  if (typeof code === 'string' && /^-?\d+$/.test(code)) return Number(code);
  throw new CallbackParseError('has an unexpected type or format', 'code');
}

/** Checks a list of image URLs (when set) and returns the URLs to keep. */
export function readImages(
  images: unknown,
  fresh: boolean,
  path = 'data.images',
): string[] | undefined {
  if (images === undefined || images === null) return undefined;
  if (!Array.isArray(images)) throw new CallbackParseError('expected array', path);
  if (images.length > CALLBACK_LIMITS.images) {
    throw new CallbackParseError(
      `must have at most ${CALLBACK_LIMITS.images} image URLs (CALLBACK_LIMITS.images)`,
      path,
    );
  }
  const urls: string[] = [];
  for (let i = 0; i < images.length; i++) {
    const value: unknown = images[i];
    if (typeof value !== 'string') throw new CallbackParseError('expected string', `${path}.${i}`);
    // As sent and as kept: normalizing can shorten a URL (dot segments, tabs) or lengthen it.
    const url = value.length > CALLBACK_LIMITS.imageUrlLength ? value : readImageUrl(value);
    if (url === undefined)
      throw new CallbackParseError('must be an absolute http: or https: URL', `${path}.${i}`);
    if (url.length > CALLBACK_LIMITS.imageUrlLength)
      throw tooLong(`${path}.${i}`, 'imageUrlLength');
    urls.push(fresh || url !== value ? url : copy(url));
  }
  return urls;
}
