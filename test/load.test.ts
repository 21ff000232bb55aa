/**
Load on the node:http receiver: thousands of valid, duplicate and invalid callbacks from
50 concurrent senders, while the client tracks the same tasks by polling. Every valid
outcome is dispatched exactly once, every request is answered as due, and the latency
stays far below the 15 s a host waits. Bounded: a few thousand requests, 127.0.0.1 only.
*/
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SunoCover, signCoverCallback } from 'suno-cover';
import { toNodeHandler } from 'suno-cover/node';
import { expect, it } from 'vitest';
import { setup } from './helpers.js';

const secret = 'whsec_load';
const tasks = 200;
const senders = 50;

it('dispatches every outcome exactly once under thousands of concurrent callbacks', async () => {
  const { sim } = await setup({ pendingMs: 50, generatingMs: 150, credits: 10_000 });
  const receiver = createServer();
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  // Polling races the callbacks: the callbacks the simulator would send are dropped, and
  // the load sends them instead, many times over.
  const suno = new SunoCover({
    apiKey: sim.apiKey,
    baseUrl: sim.url,
    webhookSecret: secret,
    pollInterval: 250,
    maxPollsPerSecond: 200,
    maxCallbackBytes: 4096,
    submitRate: { limit: 100_000, interval: 1_000 },
  });
  receiver.on('request', toNodeHandler(suno));
  const terminal = new Map<string, number>();
  const count = (event: { taskId: string }) =>
    terminal.set(event.taskId, (terminal.get(event.taskId) ?? 0) + 1);
  suno.on('succeeded', count);
  suno.on('failed', count);

  const submitted = [];
  for (let i = 0; i < tasks; i++) {
    sim.scenario(`music-${i}`, {
      callback: 'drop',
      ...(i % 5 === 0 ? { outcome: { code: 531 } } : {}),
    });
    submitted.push(await suno.covers.generate({ taskId: `music-${i}` }));
  }
  const waits = Promise.allSettled(submitted.map((task) => task.wait({ timeout: 30_000 })));
  await sim.idle();

  // The requests: per task, its true callback 10 times, and one of each kind of bad request.
  type Shot = { body: string; headers: Record<string, string>; expect: number };
  const shots: Shot[] = [];
  for (const task of submitted) {
    const truth = sim.task(task.taskId);
    const body = JSON.stringify(
      truth?.successFlag === 1
        ? { code: 200, msg: 'success', data: { taskId: task.taskId, images: truth.images } }
        : {
            code: truth?.errorCode,
            msg: truth?.errorMessage,
            data: { taskId: task.taskId, images: null },
          },
    );
    const signed = {
      'content-type': 'application/json',
      ...(await signCoverCallback({ taskId: task.taskId, secret })),
    };
    for (let copy = 0; copy < 10; copy++) shots.push({ body, headers: signed, expect: 200 });
    shots.push({ body: '{"code":200,"data":', headers: signed, expect: 400 });
    shots.push({ body, headers: { ...signed, 'x-webhook-signature': 'AAAA' }, expect: 401 });
    shots.push({ body: JSON.stringify({ pad: 'x'.repeat(5000) }), headers: signed, expect: 413 });
    shots.push({ body, headers: { 'content-type': 'application/json' }, expect: 401 });
  }
  // Shuffle deterministically so that kinds and tasks interleave.
  for (let i = shots.length - 1; i > 0; i--) {
    const j = (i * 7919) % (i + 1);
    [shots[i], shots[j]] = [shots[j] as Shot, shots[i] as Shot];
  }

  const latencies: number[] = [];
  const wrong: string[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: senders }, async () => {
      while (next < shots.length) {
        const shot = shots[next++] as Shot;
        const sent = performance.now();
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: shot.headers,
            body: shot.body,
          });
          await response.arrayBuffer();
          latencies.push(performance.now() - sent);
          if (response.status !== shot.expect)
            wrong.push(`${response.status} for an expected ${shot.expect}`);
        } catch (error) {
          wrong.push(`no answer: ${(error as Error).message}`);
        }
      }
    }),
  );
  const elapsed = performance.now() - started;
  const outcomes = await waits;
  suno.close();
  await new Promise((resolve) => receiver.close(resolve));

  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    (latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(1);
  console.log(
    `load: ${shots.length} requests from ${senders} senders in ${elapsed.toFixed(0)} ms (${((shots.length / elapsed) * 1000).toFixed(0)} req/s); latency p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`,
  );

  expect(wrong).toEqual([]);
  expect(latencies).toHaveLength(shots.length);
  // The host gives up after 15 s; the receiver must answer far inside that.
  expect(Number(at(0.99))).toBeLessThan(15_000);
  for (const [i, task] of submitted.entries()) {
    expect(terminal.get(task.taskId)).toBe(1);
    const outcome = outcomes[i];
    if (i % 5 === 0) expect(outcome?.status).toBe('rejected');
    else
      expect(outcome?.status === 'fulfilled' && outcome.value.images).toEqual(
        sim.task(task.taskId)?.images,
      );
  }
}, 60_000);
