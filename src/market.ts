/**
kie.ai's Market route (`/api/v1/jobs/*`), as far as it differs from the legacy one: its
task states, and its callback body read by hand (the zod schemas beside the legacy ones in
schemas.ts hold the same rules, and a property test holds both readers to the same
answers). A Market task record carries `state` (`waiting`, `queuing`, `generating`,
`success`, `fail`), its images inside `resultJson` (a JSON string whose `resultUrls` array
holds them), and `failCode` / `failMsg` as strings, empty when none.
*/

import type { CoverCallback } from './callback-schema.js';
import { SuccessFlag } from './codes.js';
import { CallbackParseError } from './errors.js';
import {
  checkMessage,
  type Fields,
  isRecord,
  outcomeOf,
  readCode,
  readImages,
  readTaskId,
} from './internal/fields.js';

/** The model name of cover generation on the Market. */
export const MARKET_COVER_MODEL = 'ai-music-api/cover-generate';

/** Each documented Market state as the legacy `successFlag` it means. */
const marketStates = new Map<string, SuccessFlag>([
  ['waiting', SuccessFlag.Pending],
  ['queuing', SuccessFlag.Pending],
  ['generating', SuccessFlag.Generating],
  ['success', SuccessFlag.Success],
  ['fail', SuccessFlag.Failed],
]);

/** The `successFlag` a Market state means (any case); `undefined` for an unknown state. */
export function marketFlag(state: string): SuccessFlag | undefined {
  return marketStates.get(state.toLowerCase());
}

/** The keys of `resultJson` that may hold the image URLs, in the order they are read. */
export const resultImageKeys = ['resultUrls', 'images', 'imageUrls'] as const;

/**
A Market `failCode` as a number, when it is an integer that means an error (not 0 or
200); `undefined` otherwise (empty, absent, not a number).
*/
export function readFailCode(value: unknown): number | undefined {
  const code =
    typeof value === 'number' || (typeof value === 'string' && /^-?\d+$/.test(value))
      ? Number(value)
      : Number.NaN;
  return Number.isSafeInteger(code) && code !== 0 && code !== 200 ? code : undefined;
}

/**
Whether a decoded callback body is Market-shaped: a record with a `state` inside
`{ code, msg, data }`, or bare. The legacy shape has no `state`.
@internal
*/
export function marketRecordOf(value: Fields): Fields | undefined {
  const { data } = value;
  if (isRecord(data)) return data.state === undefined || data.state === null ? undefined : data;
  return data === undefined && value.state !== undefined && value.state !== null
    ? value
    : undefined;
}

/** Reads `resultJson` (a JSON string, or an object) into its image URLs; at least one. */
function readResult(resultJson: unknown, path: string, fresh: boolean): string[] {
  let result: unknown = resultJson;
  let freshResult = fresh;
  if (typeof resultJson === 'string') {
    try {
      result = JSON.parse(resultJson);
      freshResult = true;
    } catch (error) {
      throw new CallbackParseError('is not valid JSON', path, { cause: error });
    }
  } else if (resultJson === undefined || resultJson === null) {
    throw new CallbackParseError('a success must carry the image URLs in resultJson', path);
  }
  if (!isRecord(result)) throw new CallbackParseError('expected a JSON object', path);
  const key = resultImageKeys.find((name) => result[name] !== undefined && result[name] !== null);
  const images = key && readImages(result[key], freshResult, `${path}.${key}`);
  if (!images || images.length === 0) {
    throw new CallbackParseError(
      'a success must carry at least one image URL',
      `${path}.${key ?? 'resultUrls'}`,
    );
  }
  return images;
}

/**
Validates a Market callback into a `CoverCallback`. `envelope` is the `{ code, msg }` around
`record`, or `undefined` for a bare record (whose fields are then named without `data.`).
@internal
*/
export function toMarketCallback(
  envelope: Fields | undefined,
  record: Fields,
  fresh: boolean,
): CoverCallback {
  const prefix = envelope ? 'data.' : '';
  const code = envelope ? readCode(envelope.code) : undefined;
  const msg = envelope ? checkMessage(envelope.msg, 'msg') : undefined;
  const id = readTaskId(record, prefix);
  const { state } = record;
  if (typeof state !== 'string') throw new CallbackParseError('expected string', `${prefix}state`);
  const failMsg = checkMessage(record.failMsg, `${prefix}failMsg`);
  const flag = marketFlag(state);
  if (flag === SuccessFlag.Success) {
    const images = readResult(record.resultJson, `${prefix}resultJson`, fresh);
    return outcomeOf(id, 200, msg ?? '', images, fresh);
  }
  if (flag === SuccessFlag.Failed) {
    // The record's own code first, then the envelope's, when either means an error.
    const failed = readFailCode(record.failCode) ?? readFailCode(code) ?? 501;
    return outcomeOf(id, failed, failMsg || msg || '', undefined, fresh);
  }
  throw new CallbackParseError(
    `must be "success" or "fail" (a callback reports a finished task), got ${JSON.stringify(state.slice(0, 40))}`,
    `${prefix}state`,
  );
}
