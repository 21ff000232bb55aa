/** Vercel's edge-runtime: a `fetch` event listener; the config is inlined when bundled. */
import { createHandler } from './app.mjs';

let handler;
addEventListener('fetch', (event) => {
  handler ??= createHandler(__CONFIG__);
  event.respondWith(handler(event.request, event.waitUntil.bind(event)));
});
