/**
A callback receiver on Bun.serve or Deno.serve, using the built package's core as an edge
app would: the Fetch handler, and whatever crypto the runtime offers. It prints its port,
then serves callbacks on /hook and what it dispatched on /events. Plain JavaScript on
purpose: it runs dist/ as published, which does not exist yet when `tsc` checks the tests.
*/
import { SunoCover } from '../../dist/index.js';

const suno = new SunoCover({
  apiKey: 'runtime-test',
  webhookSecret: 'whsec_runtime_tests',
  pollingMode: 'callback-only',
});
const events = [];
suno.on('succeeded', ({ type, taskId, images }) => events.push({ type, taskId, images }));
suno.on('failed', ({ type, taskId, code, refunded }) =>
  events.push({ type, taskId, code, refunded }),
);

const handler = (request) =>
  new URL(request.url).pathname === '/events'
    ? Response.json(events)
    : suno.callbacks.handle(request);
const announce = (port, name) => console.log(JSON.stringify({ port, runtime: name }));

if (globalThis.Bun) {
  const server = globalThis.Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: handler });
  announce(server.port, 'bun');
} else if (globalThis.Deno) {
  globalThis.Deno.serve(
    { port: 0, hostname: '127.0.0.1', onListen: ({ port }) => announce(port, 'deno') },
    handler,
  );
} else {
  throw new Error('run this with bun or deno');
}
