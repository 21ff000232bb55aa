/**
A callback receiver on Bun.serve or Deno.serve, using the built package's core as an edge
app would: the Fetch handler, WebCrypto or whatever crypto the runtime offers. It prints
its port, then serves callbacks on /hook and what it dispatched on /events.
*/
import { SunoCover } from '../../dist/index.js';

interface BunRuntime {
  serve(options: {
    port: number;
    hostname: string;
    fetch: (request: Request) => Promise<Response> | Response;
  }): {
    port: number;
  };
}
interface DenoRuntime {
  serve(
    options: { port: number; hostname: string; onListen: (address: { port: number }) => void },
    handler: (request: Request) => Promise<Response> | Response,
  ): unknown;
}
const runtime = globalThis as { Bun?: BunRuntime; Deno?: DenoRuntime };

const suno = new SunoCover({
  apiKey: 'runtime-test',
  webhookSecret: 'whsec_runtime_tests',
  pollingMode: 'callback-only',
});
const events: unknown[] = [];
suno.on('succeeded', ({ type, taskId, images }) => events.push({ type, taskId, images }));
suno.on('failed', ({ type, taskId, code, refunded }) =>
  events.push({ type, taskId, code, refunded }),
);

const handler = (request: Request) =>
  new URL(request.url).pathname === '/events'
    ? Response.json(events)
    : suno.callbacks.handle(request);
const announce = (port: number, name: string) =>
  console.log(JSON.stringify({ port, runtime: name }));

if (runtime.Bun) {
  const server = runtime.Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: handler });
  announce(server.port, 'bun');
} else if (runtime.Deno) {
  runtime.Deno.serve(
    { port: 0, hostname: '127.0.0.1', onListen: ({ port }) => announce(port, 'deno') },
    handler,
  );
} else {
  throw new Error('run this with bun or deno');
}
