/**
A browser page over the installed package, bundled for the browser as an app's bundler
would: it signs, verifies and parses callbacks (WebCrypto only: a page has no node:crypto)
and posts what it found to `/result`. Never a client with an API key: browsers only parse
and verify.
*/
import {
  CallbackParseError,
  CallbackVerificationError,
  parseCoverCallback,
  signCoverCallback,
  verifyCoverCallback,
} from 'suno-cover';

const secret = 'whsec_browser';
const taskId = 'browser-task';
const body = JSON.stringify({
  code: 200,
  msg: 'success',
  data: { taskId, images: ['https://cdn.example/1.png'] },
});

/** The error's class (by `instanceof`) and the field that says why, or 'accepted'. */
const refusal = (promise) =>
  promise.then(
    () => 'accepted',
    (error) => ({
      verification: error instanceof CallbackVerificationError,
      parse: error instanceof CallbackParseError,
      reason: error.reason ?? error.path,
    }),
  );

async function run() {
  const headers = new Headers(await signCoverCallback({ taskId, secret }));
  return {
    chrome: /HeadlessChrome\//.test(navigator.userAgent),
    nodeCrypto: typeof globalThis.process?.getBuiltinModule === 'function',
    verified: await verifyCoverCallback({ body, headers, secret }),
    fromText: parseCoverCallback(body),
    fromBytes: parseCoverCallback(new TextEncoder().encode(body)).images,
    market: parseCoverCallback({
      code: 200,
      msg: 'success',
      data: {
        taskId: 'market-task',
        state: 'success',
        resultJson: JSON.stringify({ resultUrls: ['https://cdn.example/2.png'] }),
      },
    }).images,
    forged: await refusal(verifyCoverCallback({ body, headers, secret: 'whsec_other' })),
    stale: await refusal(
      verifyCoverCallback({ body, headers, secret, now: Date.now() + 3_600_000 }),
    ),
    unsigned: await refusal(verifyCoverCallback({ body, headers: {}, secret })),
    broken: await refusal((async () => parseCoverCallback('{"code":'))()),
    script: await refusal(
      (async () =>
        parseCoverCallback({
          code: 200,
          msg: '',
          data: { taskId, images: ['javascript:alert(1)'] },
        }))(),
    ),
  };
}

run()
  .then(
    (result) => ({ ok: true, ...result }),
    (error) => ({ ok: false, error: String(error?.stack ?? error) }),
  )
  .then((result) => fetch('/result', { method: 'POST', body: JSON.stringify(result) }));
