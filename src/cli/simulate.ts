/**
`suno-cover simulate`: the SDK's API simulator (`suno-cover/testing`) in the foreground,
printing its URL and key, then every request and callback it handles.
*/
import { createCoverSimulator } from 'suno-cover/testing';
import { displayUrl } from '../internal/log.js';
import { parseDuration, parsePort, text, UsageError } from './args.js';
import { listenError, stopped } from './listen.js';
import type { Context } from './tasks.js';

export async function simulate(context: Context): Promise<never> {
  const { parsed, out, signal } = context;
  if (parsed.positionals.length > 0) {
    throw new UsageError(
      `simulate takes no arguments, got "${parsed.positionals.join(' ')}"`,
      'simulate',
    );
  }
  const port = parsePort(text(parsed, 'port') as string, 'simulate');
  const credits = Number(text(parsed, 'credits'));
  if (!Number.isFinite(credits) || credits < 0) {
    throw new UsageError(
      `--credits must be a number, got "${text(parsed, 'credits')}"`,
      'simulate',
    );
  }
  const secret = text(parsed, 'secret');
  // Never SUNO_API_KEY: a real key in the environment would be printed below.
  const apiKey = text(parsed, 'api-key') ?? 'sim-test-key';
  let sim: Awaited<ReturnType<typeof createCoverSimulator>>;
  try {
    sim = await createCoverSimulator({
      port,
      apiKey,
      credits,
      pendingMs: parseDuration('pending', text(parsed, 'pending') as string, 'simulate'),
      generatingMs: parseDuration('generating', text(parsed, 'generating') as string, 'simulate'),
      ...(secret ? { webhookHmacKey: secret } : {}),
    });
  } catch (error) {
    throw listenError(error, port, 'simulate');
  }
  out.document({ url: sim.url, apiKey: sim.apiKey, signed: secret !== undefined });
  out.result(`Simulator running on ${sim.url}`);
  out.result(`  SUNO_BASE_URL=${sim.url}`);
  out.result(`  SUNO_API_KEY=${sim.apiKey}`);
  out.info(
    out.dim(
      `tasks: pending ${text(parsed, 'pending')}, generating ${text(parsed, 'generating')}, then succeed; callbacks ${
        secret ? 'signed' : 'unsigned'
      }. Ctrl-C stops it.`,
    ),
  );

  // The simulator keeps a log; new entries are printed as they come.
  let requests = 0;
  let callbacks = 0;
  const print = () => {
    for (; requests < sim.requests.length; requests++) {
      const request = sim.requests[requests];
      if (!request) continue;
      const query = new URLSearchParams(request.query).toString();
      out.info(
        `${out.dim(new Date(request.at).toTimeString().slice(0, 8))}  ${request.method} ${request.path}${
          query ? `?${query}` : ''
        }${request.authorized || request.path.startsWith('/images/') ? '' : out.yellow('  (wrong API key)')}`,
      );
    }
    while (callbacks < sim.callbacks.length) {
      const attempt = sim.callbacks[callbacks];
      if (!attempt || (attempt.status === undefined && attempt.error === undefined)) break;
      callbacks++;
      out.info(
        `${out.dim(new Date(attempt.at).toTimeString().slice(0, 8))}  callback → ${displayUrl(attempt.url)} (attempt ${attempt.attempt}): ${
          attempt.status ?? attempt.error
        }`,
      );
    }
  };
  const timer = setInterval(print, 100);
  await stopped(signal);
  clearInterval(timer);
  print();
  await sim.close();
  throw signal.reason;
}
