/**
The shared task store on a real Redis (127.0.0.1:6379, or REDIS_URL), with clients of both
libraries, in this process and in child processes, on one simulator. Each run uses a prefix
of its own; after the run every key under it must have a TTL.
*/
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type SucceededEvent, SunoCover, TaskFailedError } from 'suno-cover';
import { type RedisStore, redisStore } from 'suno-cover/redis';
import { type CoverSimulator, createCoverSimulator } from 'suno-cover/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rejection } from './helpers.js';
import { connectRedis, type RedisLibrary, type TestRedis } from './redis-clients.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const runPrefix = `suno-cover-test:${process.pid}-${Date.now().toString(36)}:`;
const pollLease = 400;
const claimTimeout = 400;

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
process.on('unhandledRejection', onUnhandled);

let admin: TestRedis;
const redisClients: TestRedis[] = [];
const clients: SunoCover[] = [];
const children: ChildProcess[] = [];
let sim: CoverSimulator;
let prefixCount = 0;

beforeAll(async () => {
  admin = await connectRedis('ioredis', redisUrl);
  // Fails the suite loudly when no Redis answers: these tests never skip.
  expect(await (admin.client as { ping(): Promise<string> }).ping()).toBe('PONG');
  sim = await createCoverSimulator({ pendingMs: 50, generatingMs: 100, seed: 'redis' });
});

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const suno of clients.splice(0)) suno.close();
  await Promise.all(redisClients.splice(0).map((redis) => redis.close()));
});

afterAll(async () => {
  const redis = admin.client as {
    keys(pattern: string): Promise<string[]>;
    del(...keys: string[]): Promise<number>;
  };
  const keys = await redis.keys(`${runPrefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await admin.close();
  await sim.close();
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

/** A prefix of its own for one test, under the run's. */
function newPrefix(): string {
  prefixCount++;
  return `${runPrefix}${prefixCount}:`;
}

interface Instance {
  suno: SunoCover;
  store: RedisStore;
  succeeded: SucceededEvent[];
}

async function instance(
  library: RedisLibrary,
  prefix: string,
  options: {
    pollInterval?: number;
    url?: string;
    listener?: (event: SucceededEvent) => unknown;
  } = {},
): Promise<Instance> {
  const redis = await connectRedis(library, options.url ?? redisUrl);
  redisClients.push(redis);
  const store = redisStore(redis.client, { prefix, pollLease, claimTimeout, timeout: 300 });
  const suno = new SunoCover({
    apiKey: sim.apiKey,
    baseUrl: sim.url,
    pollInterval: options.pollInterval ?? 200,
    allowUnverifiedCallbacks: true,
    store,
  });
  clients.push(suno);
  const succeeded: SucceededEvent[] = [];
  suno.on('succeeded', (event) => {
    succeeded.push(event);
    return options.listener?.(event);
  });
  return { suno, store, succeeded };
}

let musicCount = 0;
/** A cover task that the simulator has finished, with no callback sent: its callback body. */
type SuccessBody = { code: 200; msg: string; data: { taskId: string; images: string[] } };

async function finishedTask(): Promise<{ taskId: string; body: SuccessBody }> {
  const musicTaskId = `music-redis-${process.pid}-${++musicCount}`;
  sim.scenario(musicTaskId, { callback: 'drop' });
  const maker = new SunoCover({ apiKey: sim.apiKey, baseUrl: sim.url, pollInterval: 100 });
  try {
    const task = await maker.covers.generate({ taskId: musicTaskId });
    await task.wait();
    const images = sim.task(task.taskId)?.images ?? [];
    expect(images.length).toBe(2);
    return {
      taskId: task.taskId,
      body: { code: 200, msg: 'success', data: { taskId: task.taskId, images } } as SuccessBody,
    };
  } finally {
    maker.close();
  }
}

/** A cover task the simulator is still generating (for 20 s), and a success callback body for it. */
async function runningTask(): Promise<{
  taskId: string;
  body: { code: 200; msg: string; data: { taskId: string; images: string[] } };
}> {
  const musicTaskId = `music-redis-running-${process.pid}-${++musicCount}`;
  sim.scenario(musicTaskId, { callback: 'drop', pendingMs: 0, generatingMs: 20_000 });
  const maker = new SunoCover({ apiKey: sim.apiKey, baseUrl: sim.url });
  try {
    const { taskId } = await maker.covers.generate({ taskId: musicTaskId });
    const images = [
      `https://cdn.example.com/${taskId}-0.png`,
      `https://cdn.example.com/${taskId}-1.png`,
    ];
    return { taskId, body: { code: 200, msg: 'success', data: { taskId, images } } };
  } finally {
    maker.close();
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How many times the simulator was asked for a task's record. */
function requestsFor(taskId: string): number {
  return sim.requests.filter((request) => request.query.taskId === taskId).length;
}

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await delay(10);
  }
}

describe.each(['ioredis', 'node-redis'] as const)('the Redis store with %s', (library) => {
  it('settles waits on B and C within 100 ms of a callback received by A', async () => {
    const prefix = newPrefix();
    // Polls once a minute: only the store can settle B and C within the test.
    const [a, b, c] = (await Promise.all(
      [0, 1, 2].map(() => instance(library, prefix, { pollInterval: 60_000 })),
    )) as [Instance, Instance, Instance];
    const { taskId, body } = await runningTask();
    const waitB = b.suno.covers.track(taskId).wait();
    const waitC = c.suno.covers.track(taskId).wait();
    // Their first polls (at once) see the task still generating.
    await until(() => b.suno.covers.track(taskId).status === 'generating');
    const received = Date.now();
    await a.suno.callbacks.receive(body);
    const settledAt = await Promise.all([
      waitB.then(() => Date.now()),
      waitC.then(() => Date.now()),
    ]);
    for (const at of settledAt) expect(at - received).toBeLessThan(100);
    expect((await waitC).images).toEqual(body.data.images);
    expect(a.succeeded.map((event) => event.taskId)).toEqual([taskId]);
    expect(b.succeeded.length + c.succeeded.length).toBe(0);
  });

  it('runs the client-level succeeded listener once in total for a callback sent to A and B at once and a poll on C', async () => {
    const prefix = newPrefix();
    const fleet = await Promise.all([0, 1, 2].map(() => instance(library, prefix)));
    const [a, b, c] = fleet as [Instance, Instance, Instance];
    const tasks = await Promise.all(Array.from({ length: 8 }, () => finishedTask()));
    const answers = await Promise.all(
      tasks.flatMap(({ taskId, body }) => [
        a.suno.callbacks.receive(body).then((r) => r.duplicate),
        b.suno.callbacks.receive(body).then((r) => r.duplicate),
        c.suno.covers
          .track(taskId)
          .wait()
          .then(() => 'waited'),
      ]),
    );
    // Each task: one of the two callbacks settled it, the other is a duplicate.
    expect(answers.filter((answer) => answer === false).length).toBeLessThanOrEqual(tasks.length);
    await delay(claimTimeout * 2);
    const all = fleet.flatMap((one) => one.succeeded.map((event) => event.taskId));
    expect(all.sort()).toEqual(tasks.map((task) => task.taskId).sort());
  });

  it('polls a task tracked by three instances from one instance at a time, no faster than pollInterval', async () => {
    const prefix = newPrefix();
    const fleet = await Promise.all([0, 1, 2].map(() => instance(library, prefix)));
    const { taskId } = await runningTask();
    const before = requestsFor(taskId);
    for (const one of fleet) one.suno.covers.track(taskId);
    await delay(1_500);
    const polls = sim.requests
      .filter((request) => request.query.taskId === taskId)
      .slice(before)
      .map((request) => request.at);
    expect(polls.length).toBeGreaterThan(3);
    // pollInterval is 200 ms with ±10 % jitter: never two polls closer than that in the fleet.
    const gaps = polls.slice(1).map((at, i) => at - (polls[i] as number));
    expect(gaps.filter((gap) => gap < 170)).toEqual([]);
  });

  it('settles a wait() or track() started after the outcome was stored, at once, on another instance', async () => {
    const prefix = newPrefix();
    const a = await instance(library, prefix);
    const b = await instance(library, prefix, { pollInterval: 60_000 });
    const { taskId, body } = await finishedTask();
    await a.suno.callbacks.receive(body);
    const polls = requestsFor(taskId);
    const result = await b.suno.covers.track(taskId).wait();
    expect(result.source).toBe('callback');
    // From the store, not from the API.
    expect(requestsFor(taskId)).toBe(polls);

    const failedMusic = `music-redis-failed-${process.pid}-${++musicCount}`;
    sim.scenario(failedMusic, { callback: 'drop', outcome: { code: 501 } });
    const task = await a.suno.covers.generate({ taskId: failedMusic });
    await expect(task.wait()).rejects.toBeInstanceOf(TaskFailedError);
    const error = await rejection(b.suno.covers.track(task.taskId).wait());
    expect(error).toBeInstanceOf(TaskFailedError);
    expect((error as TaskFailedError).code).toBe(501);
    expect((error as TaskFailedError).source).toBe('poll');
  });

  it('settles, runs the listeners and records the outcome inside waitUntil in a serverless route', async () => {
    const prefix = newPrefix();
    const order: string[] = [];
    const a = await instance(library, prefix, {
      pollInterval: 60_000,
      listener: async () => {
        await delay(50);
        order.push('listener done');
      },
    });
    const b = await instance(library, prefix, { pollInterval: 60_000 });
    const { taskId, body } = await runningTask();
    const kept: Promise<unknown>[] = [];
    const response = await a.suno.callbacks.handle(
      new Request('http://127.0.0.1/hook', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
      { waitUntil: (promise) => kept.push(promise) },
    );
    expect(response.status).toBe(200);
    expect(order).toEqual([]);
    await Promise.all(kept);
    order.push('waitUntil done');
    expect(order).toEqual(['listener done', 'waitUntil done']);
    expect((await a.store.get(taskId))?.outcome.status).toBe('succeeded');
    // A status route in another invocation reads it.
    expect((await b.suno.covers.track(taskId).wait()).images).toEqual(body.data.images);
  });

  it('never runs a slow listener on a second instance while the first still runs it', async () => {
    const prefix = newPrefix();
    let finished = 0;
    const a = await instance(library, prefix, {
      pollInterval: 60_000,
      listener: async () => {
        await delay(claimTimeout * 3);
        finished++;
      },
    });
    const b = await instance(library, prefix, { pollInterval: 60_000 });
    const { body } = await runningTask();
    await a.suno.callbacks.receive(body);
    // receive() resolves once the listeners ran; then the claim is released.
    expect(finished).toBe(1);
    await delay(claimTimeout * 2);
    expect(a.succeeded.length).toBe(1);
    expect(b.succeeded).toEqual([]);
  });

  it('runs the listeners of an instance killed inside them on another instance', async () => {
    const prefix = newPrefix();
    const b = await instance(library, prefix);
    const child = await startChild(library, prefix, { LISTENER: 'hang' });
    const { taskId, body } = await finishedTask();
    const started = nextMessage(child, (m) => m.type === 'listener' && m.taskId === taskId);
    void request(child, { cmd: 'receive', body }).catch(() => {});
    await started;
    expect(b.succeeded).toEqual([]);
    child.kill('SIGKILL');
    await until(() => b.succeeded.length > 0);
    expect(b.succeeded.map((event) => event.taskId)).toEqual([taskId]);
    expect(b.succeeded[0]?.source).toBe('callback');
  });

  it('polls and settles on another instance the task of an instance killed while holding its poll lease', async () => {
    const prefix = newPrefix();
    const b = await instance(library, prefix);
    const child = await startChild(library, prefix, {});
    const musicTaskId = `music-redis-lease-${process.pid}-${++musicCount}`;
    sim.scenario(musicTaskId, { callback: 'drop', generatingMs: 600 });
    const taskId = (await request(child, { cmd: 'generate', musicTaskId })) as string;
    child.kill('SIGKILL');
    await until(() => b.succeeded.length > 0);
    expect(b.succeeded.map((event) => [event.taskId, event.source])).toEqual([[taskId, 'poll']]);
  });

  it('resumes every unsettled task in a fleet started after every instance died', async () => {
    const prefix = newPrefix();
    const child = await startChild(library, prefix, {});
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const musicTaskId = `music-redis-fleet-${process.pid}-${++musicCount}`;
      sim.scenario(musicTaskId, { callback: 'drop', generatingMs: 300 });
      ids.push((await request(child, { cmd: 'generate', musicTaskId })) as string);
    }
    child.kill('SIGKILL');
    const fleet = await Promise.all([0, 1].map(() => instance(library, prefix)));
    await until(() => fleet.flatMap((one) => one.succeeded).length >= ids.length);
    await delay(300);
    const settled = fleet.flatMap((one) => one.succeeded.map((event) => event.taskId));
    expect(settled.sort()).toEqual([...ids].sort());
  });

  it('settles waits in child processes from a callback received in this one', async () => {
    const prefix = newPrefix();
    const a = await instance(library, prefix, { pollInterval: 60_000 });
    const [b, c] = await Promise.all([
      startChild(library, prefix, { POLL_INTERVAL: '60000' }),
      startChild(library, prefix, { POLL_INTERVAL: '60000' }),
    ]);
    const { taskId, body } = await runningTask();
    const waits = [b, c].map((child) => request(child, { cmd: 'wait', taskId }));
    // Their first polls (at once) see the task still generating.
    await until(() => requestsFor(taskId) >= 1);
    await delay(100);
    const received = Date.now();
    await a.suno.callbacks.receive(body);
    const results = (await Promise.all(waits)) as { at: number; images: string[] }[];
    for (const result of results) {
      expect(result.images).toEqual(body.data.images);
      expect(result.at - received).toBeLessThan(100);
    }
  });
});

describe('redisStore() and the store option', () => {
  it('keeps every Redis client out of the core and the adapter: the user brings one', () => {
    const sources = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((file) =>
      file.endsWith('.ts'),
    );
    expect(sources.length).toBeGreaterThan(20);
    const importing = sources.filter((file) =>
      // An import statement, not a usage example in a comment.
      /^import [^;]*from ['"](ioredis|redis|@redis\/[^'"]+)['"]/m.test(
        readFileSync(join('src', file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, ''),
      ),
    );
    expect(importing).toEqual([]);
    const built =
      readFileSync('dist/index.js', 'utf8') + readFileSync('dist/redis/index.js', 'utf8');
    expect(built).not.toMatch(/from ?['"](ioredis|redis)['"]|require\(['"](ioredis|redis)['"]\)/);
  });

  it('refuses a client of neither library, and a store without the contract', async () => {
    expect(() => redisStore({ get() {} })).toThrow(/ioredis client .* or a node-redis client/);
    expect(
      () => new SunoCover({ apiKey: 'k', store: { get() {} } as unknown as RedisStore }),
    ).toThrow(/`store` must be a task store .* lacks start, claim, done/);
    const redis = await connectRedis('ioredis', redisUrl);
    redisClients.push(redis);
    expect(() => redisStore(redis.client, { pollLeases: 5 } as never)).toThrow(
      /unknown option `pollLeases`/,
    );
    const prefixed = await connectRedis('ioredis', redisUrl);
    redisClients.push(prefixed);
    (prefixed.client as { options: { keyPrefix?: string } }).options.keyPrefix = 'app:';
    expect(() => redisStore(prefixed.client)).toThrow(/has a `keyPrefix`/);
    const store = redisStore(redis.client, { prefix: newPrefix() });
    expect(store.library).toBe('ioredis');
    clients.push(new SunoCover({ apiKey: 'k', store }));
    expect(() => new SunoCover({ apiKey: 'k', store })).toThrow(
      /give each SunoCover client its own store/,
    );
  });
});

describe('the Redis store when Redis stops and starts again', () => {
  it.each(['ioredis', 'node-redis'] as const)(
    'loses no outcome and leaves no unhandled rejection with %s',
    async (library) => {
      const port = await freePort();
      let server = await startRedis(port);
      const url = `redis://127.0.0.1:${port}`;
      const prefix = newPrefix();
      try {
        const [a, b] = (await Promise.all(
          [0, 1].map(() => instance(library, prefix, { url })),
        )) as [Instance, Instance];
        const states: string[] = [];
        a.suno.on('store', (event) => states.push(event.state));
        const before = await finishedTask();
        const waitB = b.suno.covers.track(before.taskId).wait();
        await stopRedis(server);
        // A settles on its own while Redis is down; B polls on its own.
        const { duplicate } = await a.suno.callbacks.receive(before.body);
        expect(duplicate).toBe(false);
        expect((await waitB).images.length).toBe(2);
        await until(() => states.includes('degraded'));
        server = await startRedis(port);
        await until(() => states.includes('recovered'), 10_000);
        // What A settled meanwhile is recorded: a late wait on a third instance finds it.
        const c = await instance(library, prefix, { url, pollInterval: 60_000 });
        const late = await c.suno.covers.track(before.taskId).wait({ timeout: 2_000 });
        // A (callback) and B (poll) both settled it on their own; either record stands.
        expect(late.images).toEqual(before.body.data.images);
        // And the fleet works as before: a callback on A settles a wait on B.
        const after = await finishedTask();
        const waitAfter = b.suno.covers.track(after.taskId).wait();
        await a.suno.callbacks.receive(after.body);
        expect((await waitAfter).images.length).toBe(2);
        expect(unhandled).toEqual([]);
      } finally {
        for (const suno of clients.splice(0)) suno.close();
        await Promise.all(redisClients.splice(0).map((redis) => redis.close()));
        await stopRedis(server);
      }
    },
    30_000,
  );
});

// Last in the file: the runs above left their keys.
it('leaves every key under the run prefix with a TTL', async () => {
  const redis = admin.client as {
    keys(pattern: string): Promise<string[]>;
    pttl(key: string): Promise<number>;
  };
  const keys = await redis.keys(`${runPrefix}*`);
  expect(keys.length).toBeGreaterThan(0);
  const forever: string[] = [];
  for (const key of keys) if ((await redis.pttl(key)) === -1) forever.push(key);
  expect(forever).toEqual([]);
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startRedis(port: number): Promise<ChildProcess> {
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const probe = await connectRedis('ioredis', `redis://127.0.0.1:${port}`);
  try {
    await until(() => (probe.client as { status: string }).status === 'ready', 10_000);
  } finally {
    await probe.close();
  }
  return server;
}

async function stopRedis(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGKILL');
  await exited;
}

type Message = { type?: string; taskId?: string; id?: number; result?: unknown; error?: string };

async function startChild(
  library: RedisLibrary,
  prefix: string,
  env: Record<string, string>,
): Promise<ChildProcess> {
  const child = fork('test/fixtures/redis-instance.ts', [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      LIB: library,
      REDIS_URL: redisUrl,
      PREFIX: prefix,
      SIM_URL: sim.url,
      SIM_KEY: sim.apiKey,
      POLL_INTERVAL: '200',
      POLL_LEASE: String(pollLease),
      CLAIM_TIMEOUT: String(claimTimeout),
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  await nextMessage(child, (message) => message.type === 'ready', 20_000);
  return child;
}

function nextMessage(
  child: ChildProcess,
  match: (message: Message) => boolean,
  ms = 10_000,
): Promise<Message> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error('no such message from the child in time'));
    }, ms);
    const onMessage = (message: Message) => {
      if (!match(message)) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
  });
}

let requestCount = 0;
async function request(child: ChildProcess, message: Record<string, unknown>): Promise<unknown> {
  const id = ++requestCount;
  const answer = nextMessage(child, (m) => m.id === id);
  child.send({ ...message, id });
  const { result, error } = await answer;
  if (error) throw new Error(error);
  return result;
}
