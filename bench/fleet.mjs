/**
The Redis store across instances (three SunoCover clients, each with its own ioredis
connection and store, on one Redis at REDIS_URL or 127.0.0.1:6379; one process, so the
figures include three clients sharing one event loop):
- cross-instance settle latency: a callback received by A → a `wait()` on B resolves;
- Redis round trips per callback (commands the store sends, counted at the client);
- fleet throughput of distinct callbacks spread over the three instances.
*/
import { Redis } from 'ioredis';
import { SunoCover } from 'suno-cover';
import { redisStore } from 'suno-cover/redis';
import { median } from './lib.mjs';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const body = (taskId) => ({
  code: 200,
  msg: 'success',
  data: { taskId, images: [`https://cdn.example.com/${taskId}-0.png`] },
});

/** An ioredis client that counts the commands the store sends through it. */
function countingClient(counter) {
  const client = new Redis(url);
  return new Proxy(client, {
    get(target, name) {
      const value = Reflect.get(target, name);
      if (typeof value !== 'function') return value;
      if (name === 'eval' || name === 'get') {
        return (...args) => {
          counter.commands++;
          return value.apply(target, args);
        };
      }
      return value.bind(target);
    },
  });
}

function fleet(prefix, counter, size = 3) {
  const redis = [];
  const clients = [];
  for (let i = 0; i < size; i++) {
    const client = countingClient(counter);
    redis.push(client);
    clients.push(
      new SunoCover({
        apiKey: 'bench',
        baseUrl: 'http://127.0.0.1:9',
        pollingMode: 'callback-only',
        allowUnverifiedCallbacks: true,
        logLevel: 'off',
        // Long enough that no maintenance tick falls inside a measurement.
        store: redisStore(client, { prefix, claimTimeout: 600_000, pollLease: 600_000 }),
      }),
    );
  }
  return {
    clients,
    async close() {
      for (const suno of clients) suno.close();
      const admin = new Redis(url);
      const keys = await admin.keys(`${prefix}*`);
      if (keys.length > 0) await admin.del(...keys);
      admin.disconnect();
      for (const client of redis) client.disconnect();
    },
  };
}

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

export async function crossInstance({ samples = 500, throughput = 9_000 } = {}) {
  const run = `suno-cover-bench:${process.pid}-${Date.now().toString(36)}`;
  const counter = { commands: 0 };
  const { clients, close } = fleet(`${run}:a:`, counter);
  const [a, b] = clients;
  // Let every store connect and run its first maintenance tick.
  await delay(500);

  // Latency: one callback at a time, B waiting.
  const latencies = [];
  for (let i = 0; i < samples; i++) {
    const taskId = `bench-latency-${i}`;
    const task = b.covers.track(taskId);
    const waited = task.wait();
    // The task is recorded in the store (track is one script): let it land first.
    await delay(1);
    const started = performance.now();
    const ended = waited.then(() => performance.now());
    await a.callbacks.receive(body(taskId));
    latencies.push((await ended) - started);
  }

  // Round trips: distinct callbacks on A, then the same ones again (duplicates).
  const rounds = 500;
  counter.commands = 0;
  for (let i = 0; i < rounds; i++) await a.callbacks.receive(body(`bench-rt-${i}`));
  const perCallback = counter.commands / rounds;
  counter.commands = 0;
  for (let i = 0; i < rounds; i++) await a.callbacks.receive(body(`bench-rt-${i}`));
  const perDuplicate = counter.commands / rounds;
  await close();

  // Fleet throughput: distinct callbacks round-robin over three instances, 64 in flight each.
  const second = fleet(`${run}:b:`, { commands: 0 });
  let settled = 0;
  for (const suno of second.clients) suno.on('succeeded', () => settled++);
  await delay(500);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    second.clients.flatMap((suno) =>
      Array.from({ length: 64 }, async () => {
        for (;;) {
          const i = next++;
          if (i >= throughput) return;
          await suno.callbacks.receive(body(`bench-fleet-${i}`));
        }
      }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  await second.close();
  if (settled !== throughput) throw new Error(`expected ${throughput} settles, saw ${settled}`);
  return {
    p50: median(latencies),
    p99: percentile(latencies, 99),
    perCallback,
    perDuplicate,
    perSecond: throughput / seconds,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await crossInstance());
