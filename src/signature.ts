/**
kie.ai's callback signature: `X-Webhook-Signature` is
`base64(HMAC-SHA256(key = webhookHmacKey, message = taskId + "." + X-Webhook-Timestamp))`,
with the timestamp in Unix seconds. Only the task id and time are signed, not the body.
Uses WebCrypto, so it runs on Node, Bun, Deno and edge runtimes alike.
*/
import { decodeCallbackBody, readCallbackTaskId } from './callbacks.js';
import { CallbackParseError, CallbackVerificationError, InvalidArgumentError } from './errors.js';
import { constantTimeEqual } from './internal/compare.js';
import { checkKeys } from './internal/keys.js';

/** Header names of signed callbacks (lower-case, as Node and `Headers` present them). */
export const SIGNATURE_HEADER = 'x-webhook-signature';
export const TIMESTAMP_HEADER = 'x-webhook-timestamp';

/** What `signCoverCallback()` takes. */
export interface SignCoverCallbackParams {
  /** The cover task id the callback is about. */
  taskId: string;
  /** The account's `webhookHmacKey`. */
  secret: string;
  /**
  Unix time in seconds.
  @default the current time
  */
  timestamp?: number | undefined;
}

/** The headers of a signed callback. */
// A type, not an interface, so that it is assignable to a plain headers record.
export type CoverCallbackSignatureHeaders = {
  'x-webhook-timestamp': string;
  'x-webhook-signature': string;
};

const encoder = new TextEncoder();

/** The few parts of node:crypto used here, typed locally so the core needs no Node types. */
interface NodeCrypto {
  createHmac(
    algorithm: 'sha256',
    key: NodeKey,
  ): { update(data: string): { digest(encoding: 'base64'): string } };
  createSecretKey(key: Uint8Array): NodeKey;
}

/** node:crypto's KeyObject, opaque here. */
type NodeKey = object | string;

let nodeCrypto: NodeCrypto | null | undefined;

/**
node:crypto when the runtime offers it without an import (Node ≥ 20.16, Bun, Deno:
`process.getBuiltinModule`), else `null` and WebCrypto is used. node:crypto verifies one
signature synchronously, many times faster than WebCrypto's async path; chosen once.
*/
function getNodeCrypto(): NodeCrypto | null {
  if (nodeCrypto === undefined) {
    try {
      const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
        .process;
      nodeCrypto = (process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined) ?? null;
    } catch {
      nodeCrypto = null;
    }
  }
  return nodeCrypto;
}

/** Forces the WebCrypto path (edge runtimes), for tests and benchmarks. @internal */
export function useWebCryptoOnly(enabled: boolean): void {
  nodeCrypto = enabled ? null : undefined;
  keys.clear();
}

/**
Keys by secret, of the one crypto in use (a node:crypto KeyObject or a WebCrypto key):
making a key costs more than the HMAC itself. A handful of secrets at most (rotation);
never let the cache grow without bound.
*/
const keys = new Map<string, unknown>();

function keyOf<T>(secret: string, make: (secret: Uint8Array<ArrayBuffer>) => T): T {
  let key = keys.get(secret) as T | undefined;
  if (key === undefined) {
    key = make(encoder.encode(secret));
    if (keys.size >= 8) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function nodeHmac(node: NodeCrypto, secret: string, message: string): string {
  const key = keyOf(secret, (bytes) => node.createSecretKey(bytes));
  return node.createHmac('sha256', key).update(message).digest('base64');
}

/** base64(HMAC-SHA256(secret, message)) by WebCrypto. */
async function webHmac(secret: string, message: string): Promise<string> {
  const key = await keyOf(secret, (bytes) =>
    crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']),
  );
  return toBase64(new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(message))));
}

/** base64(HMAC-SHA256(secret, message)). */
function hmacSha256Base64(secret: string, message: string): Promise<string> | string {
  const node = getNodeCrypto();
  return node ? nodeHmac(node, secret, message) : webHmac(secret, message);
}

/**
Produces the headers a signing host sends with a callback, so tests can make valid signed
callbacks (the simulator in `suno-cover/testing` uses it too).

Async: `await` it. A promise spread into a headers object adds nothing (`{ ...promise }` is
`{}`); TypeScript rejects that spread where the headers are typed, as `fetch`'s are.

@example
```ts
const headers = await signCoverCallback({ taskId, secret: process.env.SUNO_WEBHOOK_SECRET! });
await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
```
*/
export async function signCoverCallback(
  params: SignCoverCallbackParams,
): Promise<CoverCallbackSignatureHeaders> {
  if (params === null || typeof params !== 'object')
    throw new InvalidArgumentError('signCoverCallback() takes { taskId, secret, timestamp? }');
  checkKeys('signCoverCallback(params)', params, ['taskId', 'secret', 'timestamp']);
  const { taskId, secret } = params;
  if (typeof taskId !== 'string' || taskId === '')
    throw new InvalidArgumentError('signCoverCallback() needs a non-empty `taskId`');
  if (typeof secret !== 'string' || secret === '')
    throw new InvalidArgumentError('signCoverCallback() needs a non-empty `secret`');
  const timestamp = params.timestamp ?? Math.floor(Date.now() / 1000);
  if (!Number.isInteger(timestamp) || timestamp < 0) {
    throw new InvalidArgumentError('signCoverCallback() needs `timestamp` as whole Unix seconds');
  }
  return {
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: await hmacSha256Base64(secret, `${taskId}.${timestamp}`),
  };
}

/**
Headers as a Fetch `Headers`, a plain object, or Node's `IncomingHttpHeaders` (values may
be `string[]`). Names are matched case-insensitively.
*/
export type HeadersLike = Headers | Record<string, string | readonly string[] | undefined>;

/** A header's value from any {@link HeadersLike}, names case-insensitive. @internal */
export function headerValue(headers: HeadersLike | undefined, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  if (typeof (headers as Headers).get === 'function')
    return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, unknown>;
  // Node lower-cases names, so the direct look-up nearly always hits.
  let value = Object.hasOwn(record, name) ? record[name] : undefined;
  if (value === undefined) {
    for (const key of Object.keys(record)) {
      if (key.toLowerCase() === name) {
        value = record[key];
        break;
      }
    }
  }
  if (Array.isArray(value)) value = value[0];
  return typeof value === 'string' ? value : undefined;
}

/** What `verifyCoverCallback()` takes. */
export interface VerifyCoverCallbackParams {
  /** The callback's task id. Give this or `body`. */
  taskId?: string | undefined;
  /** The callback body (raw or parsed), to read the task id from. Give this or `taskId`. */
  body?: unknown;
  /** The request headers: `Headers`, a plain object or Node's `req.headers`. */
  headers: HeadersLike;
  /** The account's `webhookHmacKey`. */
  secret: string;
  /**
  How far the timestamp may be from now, either way, in seconds.
  @default 300
  */
  tolerance?: number | undefined;
  /**
  The current time (a `Date` or epoch milliseconds), for tests.
  @default Date.now()
  */
  now?: Date | number | undefined;
}

/** A callback that passed verification. */
export interface VerifiedCallback {
  taskId: string;
  /** The signed timestamp, in Unix seconds. */
  timestamp: number;
}

/**
Verifies a signed callback (kie.ai's scheme): `X-Webhook-Signature` must be
base64(HMAC-SHA256(secret, taskId + "." + X-Webhook-Timestamp)) and the timestamp within
`tolerance` seconds of now, either way. Header names are case-insensitive; the comparison
is constant-time. Throws `CallbackVerificationError`, whose `reason` says which check
failed. The body itself is not signed, so a body a framework already parsed verifies too.

@example
```ts
await verifyCoverCallback({ body: req.body, headers: req.headers, secret: process.env.SUNO_WEBHOOK_SECRET! });
```
*/
export async function verifyCoverCallback(
  params: VerifyCoverCallbackParams,
): Promise<VerifiedCallback> {
  if (params !== null && typeof params === 'object')
    checkKeys('verifyCoverCallback(params)', params, verifyKeys);
  return verifyCallback(params);
}

const verifyKeys = [
  'taskId',
  'body',
  'headers',
  'secret',
  'tolerance',
  'now',
] as const satisfies readonly (keyof VerifyCoverCallbackParams)[];

/**
`verifyCoverCallback`, synchronous where node:crypto is at hand (a promise only on the
WebCrypto path), so that a busy receiver spends no microtask turns on it.
@internal
*/
export function verifyCallback(
  params: VerifyCoverCallbackParams,
): VerifiedCallback | Promise<VerifiedCallback> {
  if (params === null || typeof params !== 'object') {
    throw new InvalidArgumentError(
      'verifyCoverCallback() takes { taskId | body, headers, secret }',
    );
  }
  const { secret, headers } = params;
  if (typeof secret !== 'string' || secret === '') {
    throw new InvalidArgumentError(
      'verifyCoverCallback() needs the webhook `secret` (kie.ai: webhookHmacKey)',
    );
  }
  const tolerance = params.tolerance ?? 300;
  if (typeof tolerance !== 'number' || !(tolerance >= 0)) {
    throw new InvalidArgumentError('`tolerance` must be a non-negative number of seconds');
  }
  const signature = headerValue(headers, SIGNATURE_HEADER)?.trim();
  if (!signature) {
    throw new CallbackVerificationError(
      'missing_signature',
      'no X-Webhook-Signature header. Is webhook signing (webhookHmacKey) enabled for the account?',
    );
  }
  const stamp = headerValue(headers, TIMESTAMP_HEADER)?.trim();
  if (!stamp)
    throw new CallbackVerificationError('missing_timestamp', 'no X-Webhook-Timestamp header');
  if (!/^\d{1,12}$/.test(stamp)) {
    throw new CallbackVerificationError(
      'invalid_timestamp',
      /^\d{13,}$/.test(stamp)
        ? 'X-Webhook-Timestamp looks like milliseconds; it must be Unix seconds'
        : 'X-Webhook-Timestamp is not a number of Unix seconds',
    );
  }
  const timestamp = Number(stamp);
  const now = Math.floor(Number(params.now ?? Date.now()) / 1000);
  if (timestamp < now - tolerance) {
    throw new CallbackVerificationError(
      'timestamp_too_old',
      `the timestamp is ${now - timestamp} s old (tolerance ${tolerance} s)`,
    );
  }
  if (timestamp > now + tolerance) {
    throw new CallbackVerificationError(
      'timestamp_in_future',
      `the timestamp is ${timestamp - now} s ahead (tolerance ${tolerance} s); check the server clock`,
    );
  }
  let taskId = params.taskId;
  if (taskId === undefined && params.body !== undefined) {
    try {
      taskId = readCallbackTaskId(decodeCallbackBody(params.body));
    } catch (error) {
      if (!(error instanceof CallbackParseError)) throw error;
      throw new CallbackVerificationError(
        'missing_task_id',
        `no task id could be read: ${error.message}`,
        {
          cause: error,
        },
      );
    }
  }
  if (typeof taskId !== 'string' || taskId === '') {
    throw new CallbackVerificationError(
      'missing_task_id',
      'the signed task id is missing: pass `taskId` or a `body` with data.taskId',
    );
  }
  const verified = { taskId, timestamp };
  // Both paths compare the base64 strings in constant time (the expected one is always 44
  // characters, so the time says nothing about the secret): one comparison to trust, and
  // no base64 decoder of our own for WebCrypto's `verify`.
  const check = (expected: string) => {
    if (!constantTimeEqual(expected, signature)) {
      throw new CallbackVerificationError(
        'invalid_signature',
        'the signature does not match; check the webhook secret',
      );
    }
    return verified;
  };
  const expected = hmacSha256Base64(secret, `${taskId}.${stamp}`);
  return typeof expected === 'string' ? check(expected) : expected.then(check);
}
