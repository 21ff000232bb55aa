/** Bun.serve or Deno.serve over the app; prints `{ port, runtime }` once listening. */
import { createHandler } from './app.mjs';

const env = globalThis.Deno ? globalThis.Deno.env.toObject() : process.env;
let handler;
const fetch = (request) => {
  handler ??= createHandler(JSON.parse(env.SUNO_TEST_CONFIG));
  return handler(request);
};
const announce = (port, runtime) => console.log(JSON.stringify({ port, runtime }));

if (globalThis.Bun) {
  const server = globalThis.Bun.serve({ port: 0, hostname: '127.0.0.1', fetch });
  announce(server.port, 'bun');
} else if (globalThis.Deno) {
  globalThis.Deno.serve(
    { port: 0, hostname: '127.0.0.1', onListen: ({ port }) => announce(port, 'deno') },
    fetch,
  );
} else {
  throw new Error('run this with bun or deno');
}
