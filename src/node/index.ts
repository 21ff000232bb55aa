/**
`suno-cover/node`: the callback receiver for node:http and the frameworks built on it
(Express, Fastify's raw handlers, Koa via `ctx.req`/`ctx.res`), and `downloadCovers`,
which saves a task's images to disk. Node only.
*/
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SunoCover } from 'suno-cover';

export type { CoverImages, DownloadCoversOptions } from './download.js';
export { downloadCovers } from './download.js';

/** A request as node:http gives it, plus the `body` a body parser may have set. */
export type NodeRequest = IncomingMessage & { body?: unknown };

/**
Turns the client's callback receiver into a node:http handler, usable as Express
middleware or route handler:

```ts
app.post('/suno-cover', toNodeHandler(suno));
http.createServer(toNodeHandler(suno));
```

It works whether or not a body parser (`express.json()`, `express.raw()`…) ran first:
it reads the raw body when the stream is still unread and takes `req.body` otherwise.
kie.ai signs the task id and timestamp, not the body, so a parsed body still verifies.
The answer is written first; listeners run after it.

Behind a body parser, the parser's own size limit and timeouts govern the body, not
`maxCallbackBytes` and `callbackReadTimeout` (a gzipped or chunked body is only measured
by the parser); the parsed body still has to pass the field caps (`CALLBACK_LIMITS`: a
1 MB task id is answered 400). Mount it with no body parser on its route, or with a
small limit:

```ts
app.post('/suno-cover', toNodeHandler(suno)); // before any app.use(express.json())
app.post('/suno-cover', express.json({ limit: '64kb' }), toNodeHandler(suno));
```
*/
export function toNodeHandler(suno: SunoCover): (req: NodeRequest, res: ServerResponse) => void {
  return (req, res) => {
    handleNode(suno, req, res).catch((error: unknown) => {
      // Only a bug can land here; answer rather than leave the host hanging.
      if (!res.headersSent)
        send(res, 500, { error: 'internal_error', message: 'the callback receiver failed' });
      else res.destroy(error instanceof Error ? error : undefined);
    });
  };
}

async function handleNode(suno: SunoCover, req: NodeRequest, res: ServerResponse): Promise<void> {
  const { maxCallbackBytes, callbackReadTimeout } = suno.callbacks.limits;
  let body: unknown;
  if (Number(req.headers['content-length']) > maxCallbackBytes) {
    // Also for a body a parser already read: its size is only known from the header.
    return send(res, 413, tooLarge(maxCallbackBytes), !req.readableEnded);
  }
  if (req.readableEnded) {
    // A body parser consumed the stream: use what it made (object, string or Buffer).
    body = req.body;
  } else if (req.method === 'POST') {
    const raw = await readNodeBody(req, maxCallbackBytes, callbackReadTimeout);
    if (raw === 413) return send(res, 413, tooLarge(maxCallbackBytes), true);
    if (raw === 408) {
      const message = `the body did not arrive within ${callbackReadTimeout} ms`;
      return send(res, 408, { error: 'request_timeout', message }, true);
    }
    body = raw;
  }
  const answer = await suno.callbacks.process({
    body,
    headers: req.headers,
    method: req.method,
    url: req.url,
  });
  send(res, answer.status, answer.body);
  // After the answer: listeners never delay it.
  afterAnswer(answer.dispatch);
}

const pending: (() => void)[] = [];

function flush(): void {
  for (const dispatch of pending.splice(0)) dispatch();
}

/** One setImmediate for every dispatch of a turn, not one per callback. */
function afterAnswer(dispatch: () => void): void {
  if (pending.push(dispatch) === 1) setImmediate(flush);
}

function tooLarge(maxBytes: number) {
  return { error: 'payload_too_large', message: `the body is larger than ${maxBytes} bytes` };
}

const accepted = JSON.stringify({ received: true });
const acceptedHeaders = {
  'content-type': 'application/json',
  'content-length': String(accepted.length),
};

function send(res: ServerResponse, status: number, body: unknown, close = false): void {
  if (status === 200) {
    res.writeHead(200, acceptedHeaders).end(accepted);
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(text);
}

/** A body still arriving, and what to do when it is too slow. */
interface Reading {
  deadline: number;
  expire: () => void;
}

const readings = new Set<Reading>();
let sweeper: ReturnType<typeof setInterval> | undefined;

/**
One unref'd interval checks every body still arriving, instead of a timer per request (a
timer per request is measurable on a busy receiver). It stops when nothing is arriving.
*/
function watch(reading: Reading): void {
  readings.add(reading);
  if (sweeper === undefined) {
    sweeper = setInterval(sweep, 50);
    sweeper.unref();
  }
}

function sweep(): void {
  if (readings.size === 0) {
    clearInterval(sweeper);
    sweeper = undefined;
    return;
  }
  const now = Date.now();
  for (const reading of readings) if (reading.deadline <= now) reading.expire();
}

/** Reads the raw body up to `maxBytes` within `timeout` ms (±50 ms); 413 or 408 otherwise. */
function readNodeBody(
  req: IncomingMessage,
  maxBytes: number,
  timeout: number,
): Promise<Uint8Array | 413 | 408> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: Uint8Array | 413 | 408) => {
      if (done) return;
      done = true;
      readings.delete(reading);
      if (typeof result === 'number') {
        // Stop reading a body we refuse; the answer closes the connection.
        req.off('data', onData);
        req.pause();
      }
      resolve(result);
    };
    const reading: Reading = { deadline: Date.now() + timeout, expire: () => finish(408) };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) finish(413);
      else chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () =>
      finish(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)),
    );
    req.on('error', () => finish(new Uint8Array()));
    watch(reading);
  });
}
