/**
Three instances of one app sharing one Redis, as behind a load balancer: instance 1 submits a
cover, the host's callback lands on instance 2, and a `wait()` on instance 3 gets the images.
The `succeeded` listener (where an app saves the result) runs once, on the instance that
settled the task. Runs against the simulator, so it needs no API key, only a Redis:

  REDIS_URL=redis://127.0.0.1:6379 npx tsx examples/multi-instance/index.ts

Prints what happened as one JSON line.
*/
import { type ChildProcess, fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { SunoCover } from 'suno-cover';
import { toNodeHandler } from 'suno-cover/node';
import { redisStore } from 'suno-cover/redis';
import { createCoverSimulator } from 'suno-cover/testing';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
type Command =
  | { cmd: 'generate'; musicTaskId: string; callBackUrl: string }
  | { cmd: 'wait'; taskId: string };

if (process.argv[2] === 'instance') {
  // One instance: a client with the shared store, and its callback receiver.
  const name = `instance-${process.argv[3]}`;
  const redis = new Redis(redisUrl);
  const suno = new SunoCover({
    apiKey: process.env.SUNO_API_KEY,
    baseUrl: process.env.SUNO_BASE_URL,
    pollInterval: 1_000,
    allowUnverifiedCallbacks: true, // the simulator does not sign; a real app sets webhookSecret
    store: redisStore(redis, { prefix: process.env.PREFIX }),
  });
  suno.on('succeeded', async (event) => {
    // Side effects go here: they run on one instance per task.
    process.send?.({ listener: name, taskId: event.taskId, source: event.source });
  });
  const server = createServer(toNodeHandler(suno));
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.send?.({ ready: `http://127.0.0.1:${port}/hook` });
  });
  // Ends with the parent, however it ends.
  process.on('disconnect', () => process.exit(0));
  process.on('message', async (command: Command) => {
    if (command.cmd === 'generate') {
      const task = await suno.covers.generate({
        taskId: command.musicTaskId,
        callBackUrl: command.callBackUrl,
      });
      process.send?.({ taskId: task.taskId });
    } else {
      const { images } = await suno.covers.track(command.taskId).wait();
      process.send?.({ waited: name, images });
    }
  });
} else {
  const sim = await createCoverSimulator({ pendingMs: 100, generatingMs: 300 });
  const prefix = `suno-cover-example:${Date.now().toString(36)}:`;
  const instances: ChildProcess[] = [];
  const urls: string[] = [];
  const listeners: string[] = [];
  for (const n of [1, 2, 3]) {
    const child = fork(fileURLToPath(import.meta.url), ['instance', String(n)], {
      env: { ...process.env, SUNO_API_KEY: sim.apiKey, SUNO_BASE_URL: sim.url, PREFIX: prefix },
    });
    child.on('message', (message: { listener?: string }) => {
      if (message.listener) listeners.push(message.listener);
    });
    instances.push(child);
    urls.push(await reply<{ ready: string }>(child).then((message) => message.ready));
  }
  const [first, second, third] = instances as [ChildProcess, ChildProcess, ChildProcess];
  // Instance 1 submits; the host will POST the result to instance 2.
  first.send({ cmd: 'generate', musicTaskId: 'music-1', callBackUrl: urls[1] });
  const { taskId } = await reply<{ taskId: string }>(first);
  third.send({ cmd: 'wait', taskId });
  const { waited, images } = await reply<{ waited: string; images: string[] }>(third);
  // Give a second listener, if there were one, time to show up.
  await new Promise((resolve) => setTimeout(resolve, 500));
  console.log(JSON.stringify({ taskId, waited, images, listenerRanOn: listeners }));
  void second;
  for (const child of instances) child.kill();
  await sim.close();
  // Leave nothing behind in Redis.
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}

function reply<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (message: Record<string, unknown>) => {
      if ('listener' in message) return;
      child.off('message', onMessage);
      resolve(message as T);
    };
    child.on('message', onMessage);
  });
}
