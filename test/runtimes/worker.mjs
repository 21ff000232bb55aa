/** Cloudflare Workers (workerd, through Miniflare): the client is made by the first request. */
import { createHandler } from './app.mjs';

let handler;
export default {
  fetch(request, env, ctx) {
    handler ??= createHandler(JSON.parse(env.CONFIG));
    return handler(request, ctx.waitUntil.bind(ctx));
  },
};
