/**
The packed package on real runtimes, each installed from npm as a devDependency: workerd
(Cloudflare Workers, through Miniflare), Vercel's edge-runtime, Bun, Deno and Next.js (a
Node route and an edge route, built without SUNO_API_KEY). One small app
(test/runtimes/app.mjs) is copied into an app outside the repo that installed the tarball,
bundled the way each platform bundles, and served on 127.0.0.1; this Node process drives it
over real sockets against the simulator. The client is made by the app's first request and
reused by the later ones, the pattern that broke on Workers (issue 11).
*/
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, cpSync, readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { EdgeRuntime, runServer } from 'edge-runtime';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { signCoverCallback } from 'suno-cover';
import { type CoverSimulator, createCoverSimulator } from 'suno-cover/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installPacked, type PackedApp, root } from './packed.js';

const secret = 'whsec_runtime_matrix';
let packed: PackedApp;
let sim: CoverSimulator;
let config: string;

beforeAll(async () => {
  packed = installPacked();
  for (const file of ['app.mjs', 'worker.mjs', 'edge.mjs', 'serve.mjs'])
    copyFileSync(join(root, 'test', 'runtimes', file), join(packed.app, file));
  // No callback URL: the simulator sends no callback, so a result that comes is a poll's,
  // unless this test posts a callback itself. An unknown task reads as `data: null`.
  sim = await createCoverSimulator({ pendingMs: 50, generatingMs: 50, unknownTask: 'null-data' });
  config = JSON.stringify({ apiKey: sim.apiKey, baseUrl: sim.url, webhookSecret: secret });
}, 180_000);

afterAll(async () => {
  for (const child of children.splice(0)) child.kill();
  await sim?.close();
  packed?.remove();
});

/** Bundles an entry of the app the way the platform's tooling does (wrangler, next). */
async function bundle(entry: string, options: { format: 'esm' | 'iife'; conditions: string[] }) {
  const result = await build({
    entryPoints: [join(packed.app, entry)],
    bundle: true,
    write: false,
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
    define: { __CONFIG__: config },
    ...options,
  });
  return result.outputFiles[0]?.text ?? '';
}

interface Running {
  url: string;
  stop(): Promise<void> | void;
  /** Runs the Worker's Cron Trigger handler once (workerd only). */
  scheduled?: () => Promise<void>;
}

async function spawnServer(name: string, command: string, args: string[]): Promise<Running> {
  const child: ChildProcess = spawn(command, args, {
    cwd: packed.app,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NO_COLOR: '1', SUNO_TEST_CONFIG: config },
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before listening`)));
  });
  const { port, runtime } = JSON.parse(first) as { port: number; runtime: string };
  expect(runtime).toBe(name);
  return { url: `http://127.0.0.1:${port}`, stop: () => void child.kill() };
}

const bin = (name: string) => join(root, 'node_modules', '.bin', name);

/** A free port on 127.0.0.1 (`next start` takes no port 0). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let nextApp: Promise<Running> | undefined;

/**
A Next.js App Router app with a Node route and an edge route (test/runtimes/next), which
make the client at module scope as the README shows: `next build` runs without
SUNO_API_KEY (it must not need it), then `next start` serves both routes.
*/
function startNext(): Promise<Running> {
  nextApp ??= (async () => {
    const version = (name: string) =>
      (
        JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as {
          version: string;
        }
      ).version;
    execFileSync(
      'npm',
      [
        'install',
        ...['next', 'react', 'react-dom'].map((name) => `${name}@${version(name)}`),
        ...['--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'],
      ],
      { cwd: packed.app, stdio: 'pipe', timeout: 180_000 },
    );
    cpSync(join(root, 'test', 'runtimes', 'next'), packed.app, { recursive: true });
    const next = join(packed.app, 'node_modules', 'next', 'dist', 'bin', 'next');
    const { SUNO_API_KEY: _, ...withoutKey } = process.env;
    const env = { ...withoutKey, NEXT_TELEMETRY_DISABLED: '1', NO_COLOR: '1' };
    execFileSync(process.execPath, [next, 'build'], {
      cwd: packed.app,
      env,
      stdio: 'pipe',
      timeout: 300_000,
    });
    const port = await freePort();
    const child = spawn(process.execPath, [next, 'start', '-p', String(port), '-H', '127.0.0.1'], {
      cwd: packed.app,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...env,
        SUNO_API_KEY: sim.apiKey,
        SUNO_BASE_URL: sim.url,
        SUNO_WEBHOOK_SECRET: secret,
      },
    });
    children.push(child);
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    await new Promise<void>((resolve, reject) => {
      lines.on('line', (line) => {
        if (/Ready/.test(line)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`next start exited with ${code}`)));
    });
    return { url: `http://127.0.0.1:${port}`, stop: () => void child.kill() };
  })();
  return nextApp;
}

const children: ChildProcess[] = [];

const runtimes: Record<string, () => Promise<Running>> = {
  workerd: async () => {
    const script = await bundle('worker.mjs', {
      format: 'esm',
      conditions: ['workerd', 'worker', 'browser'],
    });
    const mf = new Miniflare({
      modules: true,
      script,
      compatibilityDate: '2025-01-01',
      bindings: { CONFIG: config },
      host: '127.0.0.1',
      port: 0,
    });
    const url = await mf.ready;
    // Miniflare's Fetcher has `scheduled`; its types (workers-types) do not say so here.
    const worker = (await mf.getWorker()) as unknown as {
      scheduled(options: { cron: string }): Promise<unknown>;
    };
    return {
      url: url.origin,
      stop: () => mf.dispose(),
      scheduled: async () => void (await worker.scheduled({ cron: '*/1 * * * *' })),
    };
  },
  'edge-runtime': async () => {
    const initialCode = await bundle('edge.mjs', {
      format: 'iife',
      conditions: ['edge-light', 'worker', 'browser'],
    });
    const server = await runServer({
      runtime: new EdgeRuntime({ initialCode }),
      port: 0,
      host: '127.0.0.1',
    });
    return { url: server.url.replace(/\/$/, ''), stop: () => server.close() };
  },
  bun: () => spawnServer('bun', bin('bun'), ['run', 'serve.mjs']),
  deno: () =>
    spawnServer('deno', bin('deno'), [
      'run',
      '--allow-net',
      '--allow-read',
      '--allow-env',
      '--no-prompt',
      'serve.mjs',
    ]),
  'a Next.js Node route': async () => {
    const { url } = await startNext();
    return { url: `${url}/node`, stop: () => {} };
  },
  'a Next.js edge route': async () => {
    const { url } = await startNext();
    return { url: `${url}/edge`, stop: () => {} };
  },
};

async function call(url: string, init?: RequestInit) {
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json().catch(() => null)) as unknown };
}

const successBody = (taskId: string) =>
  JSON.stringify({
    code: 200,
    msg: 'success',
    data: { taskId, images: ['https://cdn.example/cb.png'] },
  });

for (const [name, start] of Object.entries(runtimes)) {
  describe(`the packed package on ${name}`, () => {
    let app: Running;
    beforeAll(async () => {
      app = await start();
    }, 240_000);
    afterAll(() => app?.stop());

    it('generates a cover and awaits it by polling', async () => {
      const { status, body } = await call(`${app.url}/run?music=${name}-music-1`);
      expect({ status, body }).toMatchObject({ status: 200, body: { source: 'poll', images: 2 } });
    });

    it('generates and awaits again in a later request on the same client', async () => {
      const { status, body } = await call(`${app.url}/run?music=${name}-music-2`);
      expect({ status, body }).toMatchObject({ status: 200, body: { source: 'poll', images: 2 } });
    });

    it('awaits in a later request a task submitted in an earlier one', async () => {
      const submitted = await call(`${app.url}/submit?music=${name}-music-3`, { method: 'POST' });
      expect(submitted.status).toBe(200);
      const { taskId } = submitted.body as { taskId: string };
      const { status, body } = await call(`${app.url}/wait?task=${taskId}`);
      expect({ status, body }).toMatchObject({ status: 200, body: { taskId, source: 'poll' } });
    });

    async function settlesByCallback(taskId: string) {
      const waiting = call(`${app.url}/wait?task=${taskId}`);
      // The wait is tracking the task once the simulator has been polled for it.
      const polled = () =>
        sim.requests.some((request) => Object.values(request.query).includes(taskId));
      for (let i = 0; i < 100 && !polled(); i++) await new Promise((r) => setTimeout(r, 50));
      expect(polled()).toBe(true);
      const answer = await fetch(`${app.url}/hook`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(await signCoverCallback({ taskId, secret })),
        },
        body: successBody(taskId),
      });
      expect(answer.status).toBe(200);
      const { status, body } = await waiting;
      expect({ status, body }).toMatchObject({
        status: 200,
        body: { taskId, source: 'callback', images: 1 },
      });
    }

    it('settles a wait with a signed callback through callbacks.handle(request)', async () => {
      // A task the simulator does not know: polls see `data: null` (pending), so only the
      // callback can settle it.
      await settlesByCallback(`callback-task-on-${name}`);
    });

    it('still dispatches callbacks after one was handled without waitUntil', async () => {
      // On Workers that one's dispatch dies with its request; the ones after it must not.
      const lost = `lost-task-on-${name}`;
      const answer = await fetch(`${app.url}/hook-without-waituntil`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(await signCoverCallback({ taskId: lost, secret })),
        },
        body: successBody(lost),
      });
      expect(answer.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await settlesByCallback(`callback-after-lost-on-${name}`);
    });

    it('reads a task submitted in an earlier request on demand with covers.get()', async () => {
      const submitted = await call(`${app.url}/submit?music=${name}-music-4`, { method: 'POST' });
      const { taskId } = submitted.body as { taskId: string };
      let read = await call(`${app.url}/get?task=${taskId}`);
      for (let i = 0; i < 50 && (read.body as { status: string }).status !== 'succeeded'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        read = await call(`${app.url}/get?task=${taskId}`);
      }
      expect(read).toEqual({ status: 200, body: { status: 'succeeded', images: 2 } });
    });

    if (name === 'workerd')
      it('settles remembered tasks from a Cron Trigger scheduled handler', async () => {
        const submitted = await call(`${app.url}/submit?music=cron-music`, { method: 'POST' });
        const { taskId } = submitted.body as { taskId: string };
        await call(`${app.url}/remember?task=${taskId}`);
        let outcomes: Record<string, unknown> = {};
        for (let i = 0; i < 50 && !outcomes[taskId]; i++) {
          await app.scheduled?.();
          outcomes = (await call(`${app.url}/outcomes`)).body as Record<string, unknown>;
          if (!outcomes[taskId]) await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(outcomes[taskId]).toEqual({ status: 'succeeded', images: 2 });
      });

    it('takes a signal on a call', async () => {
      const { status, body } = await call(`${app.url}/credits`);
      expect(status).toBe(200);
      expect(typeof (body as { credits: unknown }).credits).toBe('number');
    });

    it('dispatches a repeated callback once, a task_id failure as failed, and refuses unsigned and broken ones', async () => {
      const taskId = `repeat-task-on-${name}`;
      const post = async (headers: Record<string, string>, body = successBody(taskId)) =>
        (
          await fetch(`${app.url}/hook`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body,
          })
        ).status;
      const signed = await signCoverCallback({ taskId, secret });
      expect(await post(signed)).toBe(200);
      expect(await post(signed)).toBe(200);
      expect(await post({})).toBe(401);
      expect(await post(signed, '{"code":')).toBe(400);
      const failed = `${taskId}-refunded`;
      const failure = JSON.stringify({
        code: 531,
        msg: 'refunded',
        data: { task_id: failed, images: null },
      });
      expect(await post(await signCoverCallback({ taskId: failed, secret }), failure)).toBe(200);
      let events: unknown[] = [];
      for (let i = 0; i < 100 && events.length < 2; i++) {
        events = (await call(`${app.url}/events?prefix=${taskId}`)).body as unknown[];
        if (events.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // A moment more, so that a second dispatch of the repeat would be seen.
      await new Promise((resolve) => setTimeout(resolve, 100));
      events = (await call(`${app.url}/events?prefix=${taskId}`)).body as unknown[];
      expect(events).toEqual([
        { type: 'succeeded', taskId, images: ['https://cdn.example/cb.png'] },
        { type: 'failed', taskId: failed, code: 531, refunded: true },
      ]);
    });

    it('answers a forged callback with 401', async () => {
      const taskId = `forged-task-on-${name}`;
      const answer = await fetch(`${app.url}/hook`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(await signCoverCallback({ taskId, secret: 'whsec_not_the_secret' })),
        },
        body: successBody(taskId),
      });
      expect(answer.status).toBe(401);
    });

    it('parses and verifies a callback standalone', async () => {
      const { status, body } = await call(`${app.url}/standalone`);
      expect({ status, body }).toEqual({
        status: 200,
        body: { status: 'succeeded', forged: 'CallbackVerificationError' },
      });
    });
  });
}
