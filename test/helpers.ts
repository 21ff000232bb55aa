import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { type ClientOptions, SunoCover } from 'suno-cover';
import { toNodeHandler } from 'suno-cover/node';
import {
  type CoverSimulator,
  type CoverSimulatorOptions,
  createCoverSimulator,
} from 'suno-cover/testing';
import { afterEach } from 'vitest';

const open: CoverSimulator[] = [];
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all([
    ...open.splice(0).map((sim) => sim.close()),
    ...servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  ]);
});

/** Listens on an ephemeral port of 127.0.0.1 (closed after the test); returns the /hook URL. */
export async function listen(server: Server): Promise<string> {
  servers.push(server);
  if (!server.listening)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

/** The client's Node receiver on a node:http server. */
export function nodeReceiver(suno: SunoCover): Promise<string> {
  return listen(createServer(toNodeHandler(suno)));
}

/** The client's Fetch receiver under Hono on @hono/node-server. */
export async function honoReceiver(suno: SunoCover): Promise<string> {
  const app = new Hono();
  app.all('/hook', (c) => suno.callbacks.handle(c.req.raw));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise<void>((resolve) =>
    server.listening ? resolve() : server.once('listening', resolve),
  );
  return listen(server);
}

/** Starts a simulator (closed after the test) and a client pointed at it. */
export async function setup(
  simOptions: CoverSimulatorOptions = {},
  clientOptions: ClientOptions = {},
): Promise<{ sim: CoverSimulator; suno: SunoCover }> {
  const sim = await createCoverSimulator(simOptions);
  open.push(sim);
  const suno = new SunoCover({ apiKey: sim.apiKey, baseUrl: sim.url, ...clientOptions });
  return { sim, suno };
}

/** Settles a promise into its rejection reason; fails when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** Requests the simulator received on one path. */
export function requestsTo(sim: CoverSimulator, path: string) {
  return sim.requests.filter((request) => request.path === path);
}
