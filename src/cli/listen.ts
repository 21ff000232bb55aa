/**
`suno-cover listen`: a callback receiver on this machine that prints every request as it
arrives. It answers through the SDK's own pipeline (`suno.callbacks.process`), so a host
or a tunnel sees exactly what an app built on the SDK would answer.
*/
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CallbackEvent, SunoCover } from 'suno-cover';
import { parsePort, text, UsageError } from './args.js';
import type { Context } from './tasks.js';

/** More than any callback the receiver accepts: past it the body is not even read. */
const readLimit = 1024 * 1024;

/** What one request was, and what it was answered: one line of `--json`. */
interface Received {
  at: string;
  method: string;
  path: string;
  status: number;
  accepted: boolean;
  /** 'verified', 'rejected', 'unchecked' (no secret given) or 'unsigned' (no headers, no secret). */
  signature: 'verified' | 'rejected' | 'unchecked' | 'unsigned' | null;
  error?: string;
  message?: string;
  taskId?: string;
  outcome?: 'succeeded' | 'failed';
  code?: number;
  msg?: string;
  images?: string[];
  refunded?: boolean;
  duplicate?: boolean;
}

const signatureReasons = new Set([
  'missing_signature',
  'missing_timestamp',
  'invalid_timestamp',
  'timestamp_too_old',
  'timestamp_in_future',
  'invalid_signature',
  'missing_task_id',
]);

export async function listen(context: Context): Promise<never> {
  const { parsed, env, out, signal } = context;
  if (parsed.positionals.length > 0) {
    throw new UsageError(
      `listen takes no arguments, got "${parsed.positionals.join(' ')}"`,
      'listen',
    );
  }
  const port = parsePort(text(parsed, 'port') as string, 'listen');
  const host = text(parsed, 'host') as string;
  const path = `/${(text(parsed, 'path') as string).replace(/^\/+/, '')}`;
  const secret = text(parsed, 'secret') ?? env.SUNO_WEBHOOK_SECRET;
  const token = text(parsed, 'token');
  // The receiver needs no API key; one is only sent when callbacks are confirmed, never here.
  const suno = new SunoCover({
    apiKey: text(parsed, 'api-key') ?? env.SUNO_API_KEY ?? 'not-used-by-listen',
    pollingMode: 'callback-only',
    ...(secret ? { webhookSecret: secret } : {}),
    ...(token ? { callbackToken: token } : {}),
  });
  let dispatched: CallbackEvent | undefined;
  suno.on('callback', (event) => {
    dispatched = event;
  });

  const report = (received: Received) => {
    if (out.json) {
      out.jsonLine(received);
      return;
    }
    // Whoever reaches the tunnel writes these fields: no escape sequence reaches the terminal.
    const entry: Received = {
      ...received,
      path: printable(received.path),
      ...(received.taskId === undefined ? {} : { taskId: printable(received.taskId) }),
      ...(received.message === undefined ? {} : { message: printable(received.message) }),
      ...(received.msg === undefined ? {} : { msg: printable(received.msg) }),
      ...(received.images === undefined ? {} : { images: received.images.map(printable) }),
    };
    const time = new Date(entry.at).toTimeString().slice(0, 8);
    const head = `${out.dim(time)}  ${entry.method} ${entry.path}  ${
      entry.accepted ? out.green(String(entry.status)) : out.red(String(entry.status))
    }`;
    const verdict = {
      verified: out.green('signature verified'),
      rejected: out.red('signature rejected'),
      unchecked: out.yellow('signed, not verified (pass --secret or set SUNO_WEBHOOK_SECRET)'),
      unsigned: 'unsigned',
    };
    const parts = [
      entry.accepted ? 'accepted' : (entry.error ?? 'rejected'),
      entry.signature ? verdict[entry.signature] : undefined,
    ].filter(Boolean);
    out.result(`${head} ${parts.join(' · ')}`);
    if (!entry.accepted && entry.message) {
      out.result(`          ${entry.taskId ? `task ${entry.taskId}: ` : ''}${entry.message}`);
    }
    if (entry.taskId !== undefined && entry.outcome !== undefined) {
      const what =
        entry.outcome === 'succeeded'
          ? `succeeded, ${entry.images?.length ?? 0} image(s)`
          : `failed with code ${entry.code}: ${entry.msg || 'no message'}${
              entry.refunded ? ' (credits refunded)' : ''
            }`;
      out.result(
        `          task ${entry.taskId} ${what}${entry.duplicate ? out.dim(' (a repeat)') : ''}`,
      );
      for (const url of entry.images ?? []) out.result(`            ${url}`);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://listen.invalid');
    const entry: Received = {
      at: new Date().toISOString(),
      method: req.method ?? 'GET',
      path: url.pathname,
      status: 0,
      accepted: false,
      signature: null,
    };
    const answer = (status: number, body: unknown) => {
      const json = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(json),
      });
      res.end(json);
      entry.status = status;
    };
    if (url.pathname !== path) {
      answer(404, { error: 'not_found', message: `callbacks are received on ${path}` });
      Object.assign(entry, { error: 'not_found', message: `not the callback path (${path})` });
      return report(entry);
    }
    const body = await readBody(req);
    if (body === undefined) {
      answer(413, { error: 'payload_too_large', message: 'the body is too large' });
      Object.assign(entry, { error: 'payload_too_large' });
      res.once('finish', () => req.destroy());
      return report(entry);
    }
    const result = await suno.callbacks.process({
      body,
      headers: req.headers,
      method: req.method,
      url: req.url,
    });
    answer(result.status, result.body);
    dispatched = undefined;
    // Listeners run synchronously in dispatch: `dispatched` is this callback's event.
    result.dispatch();
    const event = dispatched as CallbackEvent | undefined;
    const signed = req.headers['x-webhook-signature'] !== undefined;
    entry.accepted = result.status === 200;
    if ('error' in result.body) {
      entry.error = result.body.error;
      entry.message = result.body.message;
    }
    entry.signature = entry.accepted
      ? secret
        ? 'verified'
        : signed
          ? 'unchecked'
          : 'unsigned'
      : entry.error && signatureReasons.has(entry.error)
        ? 'rejected'
        : null;
    if (event) {
      const { callback } = event;
      Object.assign(entry, {
        taskId: callback.taskId,
        outcome: callback.status,
        code: callback.code,
        msg: callback.msg,
        images: callback.images,
        duplicate: event.duplicate,
        ...(callback.status === 'failed' ? { refunded: callback.refunded } : {}),
      });
    } else {
      const taskId = taskIdOf(body);
      if (taskId) entry.taskId = taskId;
    }
    report(entry);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end();
      out.note(`internal error: ${(error as Error).message}`);
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  } catch (error) {
    suno.close();
    throw listenError(error, port, 'listen');
  }
  const address = server.address() as AddressInfo;
  const where = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}${path}`;
  out.info(`listening for callbacks on ${where}`);
  out.info(
    secret
      ? '  signatures are verified (kie.ai webhookHmacKey)'
      : '  signatures are not verified: pass --secret or set SUNO_WEBHOOK_SECRET to check them',
  );
  out.info(
    `  expose it with a tunnel (e.g. ngrok http ${address.port}) and submit with --callback-url`,
  );
  await stopped(signal);
  suno.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  // It runs until stopped: the stop is the interruption the caller reports.
  throw signal.reason;
}

/** Resolves when `signal` aborts. */
export function stopped(signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** A port in use or not allowed is a usage error with a way out. */
export function listenError(error: unknown, port: number, command: 'listen' | 'simulate'): Error {
  const code = (error as { code?: unknown }).code;
  if (code === 'EADDRINUSE')
    return new UsageError(
      `port ${port} is in use: pick another with --port (0 picks a free one)`,
      command,
    );
  if (code === 'EACCES')
    return new UsageError(
      `port ${port} needs privileges: pick one above 1023 with --port`,
      command,
    );
  return error as Error;
}

/** Reads a body up to `readLimit`; `undefined` past it. */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > readLimit) {
        req.removeAllListeners('data');
        req.pause();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => resolve(Buffer.concat(chunks)));
  });
}

/** Sender text for a terminal: control characters (C0, DEL, C1) shown as `?`, at most 200 characters. */
function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return clean.length > 200 ? `${clean.slice(0, 200)}… (${clean.length} characters)` : clean;
}

/** The task id of a body that was refused, when it has one, for the printout. */
function taskIdOf(body: Buffer): string | undefined {
  try {
    const data = (JSON.parse(body.toString('utf8')) as { data?: Record<string, unknown> }).data;
    const id = data?.taskId ?? data?.task_id;
    return typeof id === 'string' ? id.slice(0, 256) : undefined;
  } catch {
    return undefined;
  }
}
