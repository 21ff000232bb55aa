/**
kie.ai's callback signature: `X-Webhook-Signature` is
`base64(HMAC-SHA256(key = webhookHmacKey, message = taskId + "." + X-Webhook-Timestamp))`,
with the timestamp in Unix seconds. Only the task id and time are signed, not the body.
Uses WebCrypto, so it runs on Node, Bun, Deno and edge runtimes alike.
*/
import { InvalidArgumentError } from './errors.js';

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
export interface CoverCallbackSignatureHeaders {
  'x-webhook-timestamp': string;
  'x-webhook-signature': string;
}

const encoder = new TextEncoder();

export async function hmacSha256Base64(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(message)));
  let binary = '';
  for (const byte of mac) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
Produces the headers a signing host sends with a callback, so tests can make valid signed
callbacks (the simulator in `suno-cover/testing` uses it too).

@example
```ts
const headers = await signCoverCallback({ taskId, secret: process.env.SUNO_WEBHOOK_SECRET! });
await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
```
*/
export async function signCoverCallback(
  params: SignCoverCallbackParams,
): Promise<CoverCallbackSignatureHeaders> {
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
