/**
Cloudflare Workers (workerd, through Miniflare): the client is made by the first request.
A Cron Trigger's `scheduled` handler polls the tasks the app remembered, as the README shows
(a real app keeps them in KV or D1; an isolate's memory will do for the test).
*/
import { createHandler } from './app.mjs';

let handler;
const client = (env) => {
  handler ??= createHandler(JSON.parse(env.CONFIG));
  return handler;
};
const remembered = new Set();
const outcomes = {};

export default {
  fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === '/remember') {
      remembered.add(url.searchParams.get('task'));
      return Response.json({ remembered: remembered.size });
    }
    if (url.pathname === '/outcomes') return Response.json(outcomes);
    return client(env)(request, ctx.waitUntil.bind(ctx));
  },
  async scheduled(_controller, env) {
    const { suno } = client(env);
    for (const taskId of remembered) {
      const { status, images } = await suno.covers.get(taskId);
      if (status !== 'succeeded' && status !== 'failed') continue;
      outcomes[taskId] = { status, images: images.length };
      remembered.delete(taskId);
    }
  },
};
