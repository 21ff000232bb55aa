/**
One small app, the same on every runtime: a Fetch handler over the installed package. It is
copied into an app outside the repo and loaded there, so `suno-cover` is the packed tarball.
The client is created by the first request and reused by every later one, as a Workers app
that reads its keys from `env` does. Plain JavaScript: runtimes run it as it is.
*/
import { parseCoverCallback, SunoCover, signCoverCallback, verifyCoverCallback } from 'suno-cover';

const json = (value, status = 200) => Response.json(value, { status });

/** `config`: { apiKey, baseUrl, webhookSecret }. */
export function createHandler(config) {
  const suno = new SunoCover({
    ...config,
    pollInterval: 100,
    // A task the host does not know yet (the callback test's) counts as pending meanwhile.
    unknownTaskGrace: 60_000,
    waitTimeout: 15_000,
  });
  const result = (taskId, { source, images }) => ({ taskId, source, images: images.length });
  // What the client dispatched, for the test to read back: each outcome must come once.
  const events = [];
  suno.on('succeeded', ({ type, taskId, images }) => events.push({ type, taskId, images }));
  suno.on('failed', ({ type, taskId, code, refunded }) =>
    events.push({ type, taskId, code, refunded }),
  );
  const routes = {
    'GET /run': async (url) => {
      const task = await suno.covers.generate({ taskId: url.searchParams.get('music') });
      return json(result(task.taskId, await task.wait()));
    },
    'POST /submit': async (url) => {
      const task = await suno.covers.generate({ taskId: url.searchParams.get('music') });
      return json({ taskId: task.taskId });
    },
    'GET /wait': async (url) => {
      const taskId = url.searchParams.get('task');
      return json(result(taskId, await suno.covers.track(taskId).wait()));
    },
    // Workers and edge functions cancel work left after the answer unless it is handed to
    // `waitUntil`: the dispatch runs just after the answer.
    'POST /hook': (_, request, waitUntil) =>
      suno.callbacks.handle(request, waitUntil ? { waitUntil } : {}),
    // As an app that forgot `waitUntil` would: on Workers this dispatch is lost with the request.
    'POST /hook-without-waituntil': (_, request) => suno.callbacks.handle(request),
    'GET /standalone': async () => {
      // Parse and verify alone, with no client: what a browser or a tiny receiver does.
      const secret = 'whsec_standalone';
      const taskId = 'standalone-task';
      const body = {
        code: 200,
        msg: 'ok',
        data: { taskId, images: ['https://cdn.example/1.png'] },
      };
      const headers = await signCoverCallback({ taskId, secret });
      await verifyCoverCallback({ body, headers, secret });
      const forged = await verifyCoverCallback({ body, headers, secret: 'whsec_other' }).then(
        () => 'accepted',
        (error) => error.name,
      );
      return json({ status: parseCoverCallback(body).status, forged });
    },
    'GET /stats': () => json(suno.stats),
    // The outcomes dispatched for tasks whose id starts with `?prefix=`.
    'GET /events': (url) =>
      json(events.filter(({ taskId }) => taskId.startsWith(url.searchParams.get('prefix')))),
    // A call given a signal: edge runtimes without AbortSignal.any must take it.
    'GET /credits': async () =>
      json({ credits: await suno.credits({ signal: new AbortController().signal }) }),
    // On demand: one request, no timer, nothing left running after the answer.
    'GET /get': async (url) => {
      const { status, images } = await suno.covers.get(url.searchParams.get('task'));
      return json({ status, images: images.length });
    },
  };
  /** `waitUntil`: the platform's, where it has one (`ctx.waitUntil`, `event.waitUntil`). */
  const handler = async (request, waitUntil) => {
    const url = new URL(request.url);
    // By the last segment, so that an app may mount it under any prefix (/api/suno/run).
    const route = routes[`${request.method} /${url.pathname.split('/').pop()}`];
    if (!route) return json({ error: 'no such route' }, 404);
    try {
      return await route(url, request, waitUntil);
    } catch (error) {
      return json({ error: error?.name, message: String(error?.message ?? error) }, 500);
    }
  };
  handler.suno = suno;
  return handler;
}
