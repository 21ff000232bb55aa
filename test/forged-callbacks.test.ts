/**
Forged callbacks against a receiver that has no secret and no token (the sunoapi.org
case): what a forger can make the process store, ask the API, and wait for, over real
sockets. Issue 10, items 3, 6, 7, 8 and 11.
*/
import { spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import express from 'express';
import {
  type FailedEvent,
  ResponseValidationError,
  type SucceededEvent,
  SunoCover,
  TaskFailedError,
} from 'suno-cover';
import { toNodeHandler } from 'suno-cover/node';
import { expect, it, vi } from 'vitest';
import { listen, nodeReceiver, rejection, requestsTo, setup } from './helpers.js';
import { installPacked, root } from './packed.js';

/**
Runs a fixture in a child Node with --expose-gc and returns what it `process.send`s. In
`cwd` (an app outside the repo) `suno-cover` is the package installed there: tsx finds no
tsconfig paths to src/ from it.
*/
function runChild(fixture: string, timeout: number, cwd = root): Promise<Record<string, unknown>> {
  const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', tsx, fixture], {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    let message: Record<string, unknown> | undefined;
    child.stderr?.on('data', (chunk) => {
      stderr += String(chunk);
    });
    child.on('message', (value) => {
      message = value as Record<string, unknown>;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (message) resolve(message);
      else
        reject(
          new Error(
            `the child exited (${code ?? signal}) without a report: ${stderr.slice(-2000)}`,
          ),
        );
    });
  });
}

// The documented worst case of one stored outcome (README, Reliability; `CALLBACK_LIMITS`).
const bytesPerOutcome = 24 * 1024;

it('keeps the heap within the documented bound under 10 000 forged 64 KiB callbacks, refusing oversized fields with 400, on the packed package', async () => {
  // Measured on what users install (the README's figure comes from here), not on src/.
  const packed = installPacked();
  let report: Record<string, unknown>;
  try {
    const fixture = join(packed.app, 'forged-callbacks-memory.mts');
    copyFileSync(join(root, 'test', 'fixtures', 'forged-callbacks-memory.ts'), fixture);
    report = await runChild(fixture, 110_000, packed.app);
  } finally {
    packed.remove();
  }
  console.log('forged callbacks, memory:', report);
  expect(report.resolved).toMatch(/\/node_modules\/suno-cover\/dist\//);
  expect(report.unexpected).toEqual([]);
  expect(report.accepted).toBe(5_000);
  expect(report.refusedWithPath).toBe(5_000);
  expect(report.stored).toBe(5_000);
  expect(report.heapGrowth as number).toBeLessThanOrEqual(5_000 * bytesPerOutcome);
}, 240_000);

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const started = Date.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body:
      typeof body === 'string' || body instanceof Uint8Array
        ? (body as BodyInit)
        : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, took: Date.now() - started };
}

function dispatched(suno: SunoCover) {
  const seen = { callbacks: 0, succeeded: [] as SucceededEvent[], failed: [] as FailedEvent[] };
  suno.on('callback', () => {
    seen.callbacks++;
  });
  suno.on('succeeded', (event) => seen.succeeded.push(event));
  suno.on('failed', (event) => seen.failed.push(event));
  return seen;
}

it('settles a confirmed callback with the API’s code, message and refund, never the forged body’s', async () => {
  const { sim } = await setup({ pendingMs: 5, generatingMs: 5 });
  sim.scenario('music-1', {
    outcome: { code: 501, msg: 'Cover generation failed' },
    callback: 'drop',
  });
  const suno = new SunoCover({
    apiKey: sim.apiKey,
    baseUrl: sim.url,
    confirmCallbacks: true,
    pollingMode: 'callback-only',
  });
  const seen = dispatched(suno);
  const url = await nodeReceiver(suno);
  const task = await suno.covers.generate({ taskId: 'music-1' });
  await sim.idle();
  const forged = await post(url, {
    code: 531,
    msg: 'Credits refunded: claim them at https://phish.example/login',
    data: { taskId: task.taskId, images: null },
  });
  expect(forged.status).toBe(200);
  const error = await rejection(task.wait({ timeout: 5_000 }));
  expect(error).toBeInstanceOf(TaskFailedError);
  expect(error).toMatchObject({ code: 501, msg: 'Cover generation failed', refunded: false });
  await vi.waitFor(() => expect(seen.failed).toHaveLength(1));
  expect(seen.failed[0]).toMatchObject({
    code: 501,
    message: 'Cover generation failed',
    refunded: false,
    retryable: false,
  });
});

it('bounds the API calls and the answer time of a burst of 500 forged callbacks under confirmCallbacks, even behind a 429', async () => {
  const forgedFailure = (taskId: string) => ({
    code: 531,
    msg: 'refunded',
    data: { taskId, images: null },
  });
  const confirmingClient = async (latency: number) => {
    const { sim } = await setup({ pendingMs: 5, generatingMs: 5, latency });
    sim.scenario('music-1', { callback: 'drop' });
    const suno = new SunoCover({
      apiKey: sim.apiKey,
      baseUrl: sim.url,
      confirmCallbacks: true,
      pollingMode: 'callback-only',
    });
    const task = await suno.covers.generate({ taskId: 'music-1' });
    await sim.idle();
    const calls = () => requestsTo(sim, '/api/v1/suno/cover/record-info');
    return { sim, suno, task, calls, seen: dispatched(suno), url: await nodeReceiver(suno) };
  };

  // Every API answer takes 2 s, so all the forgeries for the real task arrive while its
  // one confirmation is on its way. 250 forgeries for it, 250 for made-up tasks, at once.
  const slow = await confirmingClient(2_000);
  const started = Date.now();
  const burst = await Promise.all([
    ...Array.from({ length: 250 }, () => post(slow.url, forgedFailure(slow.task.taskId))),
    ...Array.from({ length: 250 }, (_, i) => post(slow.url, forgedFailure(`made-up-${i}`))),
  ]);
  const elapsed = (Date.now() - started) / 1000;
  // Every forgery is refused — 401 when the API disagrees or knows no such task, 503 when
  // it could not be asked in time (the host retries) — well within the 15 s a host waits.
  expect(new Set(burst.map((answer) => answer.status))).toEqual(new Set([401, 503]));
  expect(Math.max(...burst.map((answer) => answer.took))).toBeLessThan(10_000);
  // One request for the real task, shared by its 250 forgeries; all of them within the
  // polls' caps (5 per second, 4 at once).
  const calls = slow.calls();
  expect(calls.filter((call) => call.query.taskId === slow.task.taskId)).toHaveLength(1);
  expect(calls.length).toBeLessThanOrEqual(Math.ceil(5 * elapsed) + 4);
  expect(slow.seen.callbacks).toBe(0);

  // The API answers the first confirmation 429 with Retry-After: 20: nobody waits 20 s.
  const limited = await confirmingClient(0);
  limited.sim.fail('record-info', { status: 429, retryAfter: 20 });
  const before = limited.calls().length;
  const answers = await Promise.all(
    Array.from({ length: 50 }, (_, i) => post(limited.url, forgedFailure(`limited-${i}`))),
  );
  expect(answers.every((answer) => answer.status === 503)).toBe(true);
  expect(Math.max(...answers.map((answer) => answer.took))).toBeLessThan(10_000);
  // The pause holds every later confirmation (a second may start before the 429 is back).
  expect(limited.calls().length - before).toBeLessThanOrEqual(2);
  expect(limited.seen.callbacks).toBe(0);
  slow.suno.close();
  limited.suno.close();
}, 40_000);

it('keeps polling while a flood of forged callbacks takes the confirmation slots', async () => {
  const { sim } = await setup({ pendingMs: 5, generatingMs: 5 });
  sim.scenario('music-1', { callback: 'drop' });
  const suno = new SunoCover({
    apiKey: sim.apiKey,
    baseUrl: sim.url,
    confirmCallbacks: true,
    pollInterval: 200,
  });
  const url = await nodeReceiver(suno);
  // 20 senders post forgeries for made-up tasks back to back: a confirmation always waits.
  let flooding = true;
  const flood = Array.from({ length: 20 }, async (_, sender) => {
    for (let i = 0; flooding; i++) {
      const body = { code: 501, msg: 'x', data: { taskId: `flood-${sender}-${i}` } };
      await post(url, body).catch(() => undefined);
    }
  });
  await new Promise((resolve) => setTimeout(resolve, 500));
  const task = await suno.covers.generate({ taskId: 'music-1' });
  let waited: Awaited<ReturnType<typeof task.wait>>;
  try {
    waited = await task.wait({ timeout: 5_000 });
  } finally {
    flooding = false;
    // Closing refuses the confirmations still waiting: the senders stop at once.
    suno.close();
    await Promise.all(flood);
  }
  expect(waited.source).toBe('poll');
  // The confirmations went on meanwhile, taking turns with the polls.
  const confirmations = requestsTo(sim, '/api/v1/suno/cover/record-info').filter((call) =>
    call.query.taskId?.startsWith('flood-'),
  );
  expect(confirmations.length).toBeGreaterThan(2);
});

it('holds a body parsed by express.json({ limit: "10mb" }) to the same field caps: a 1 MB task id is a 400', async () => {
  const suno = new SunoCover({ apiKey: 'k' });
  const seen = dispatched(suno);
  const app = express();
  app.use(express.json({ limit: '10mb' }));
  app.post('/hook', toNodeHandler(suno));
  const url = await listen(createServer(app));
  const huge = JSON.stringify({ code: 501, msg: 'x', data: { taskId: 't'.repeat(1_000_000) } });
  // Gzipped (its Content-Length is 1 KB) and chunked (no Content-Length at all): only the
  // parsed body tells its size.
  const gzipped = await post(url, gzipSync(huge), { 'content-encoding': 'gzip' });
  const chunked = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: new Blob([huge]).stream(),
    duplex: 'half',
  } as RequestInit);
  for (const answer of [gzipped, { status: chunked.status, text: await chunked.text() }]) {
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({
      error: 'invalid_callback',
      message: expect.stringContaining('at data.taskId: must be at most 128 characters'),
    });
  }
  // The recommended mounting: express's own limit refuses the inflated body.
  const strict = express();
  strict.post('/hook', express.json({ limit: '64kb' }), toNodeHandler(suno));
  const strictUrl = await listen(createServer(strict));
  expect((await post(strictUrl, gzipSync(huge), { 'content-encoding': 'gzip' })).status).toBe(413);
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(seen.callbacks).toBe(0);
});

it('refuses image URLs that are not http(s): a callback with one is a 400 naming it, a record-info answer a ResponseValidationError', async () => {
  const { sim, suno } = await setup({}, { maxRetries: 0 });
  const seen = dispatched(suno);
  const url = await nodeReceiver(suno);
  for (const bad of [
    'javascript:alert(document.cookie)',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'file:///etc/passwd',
    ' java\tscript:alert(1)',
  ]) {
    const answer = await post(url, {
      code: 200,
      msg: 'success',
      data: { taskId: 'task-1', images: ['https://cdn.example/1.png', bad] },
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).message).toMatch(
      /at data\.images\.1: must be an absolute http: or https: URL/,
    );
    sim.fail('record-info', {
      body: JSON.stringify({
        code: 200,
        msg: 'success',
        data: { taskId: 'task-1', successFlag: 1, response: { images: [bad] } },
      }),
    });
    const error = await rejection(suno.covers.get('task-1'));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).issues).toEqual([
      {
        path: ['data', 'response', 'images', 0],
        message: 'must be an absolute http: or https: URL',
      },
    ]);
  }
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(seen.callbacks).toBe(0);
});

it('caps the polling pause a 429 on a confirmation can cause at maxRetryAfter', async () => {
  const { sim } = await setup({ pendingMs: 5, generatingMs: 5 });
  sim.scenario('music-1', { callback: 'drop' });
  sim.scenario('music-2', { callback: 'drop' });
  const suno = new SunoCover({
    ...sim.clientOptions,
    confirmCallbacks: true,
    maxRetryAfter: 300,
  });
  const url = await nodeReceiver(suno);
  const first = await suno.covers.generate({ taskId: 'music-1' });
  await first.wait({ timeout: 5_000 });
  const second = await suno.covers.generate({ taskId: 'music-2' });
  // The confirmation of a forged callback meets a 429 asking for a day.
  sim.fail('record-info', { code: 429, retryAfter: 86_400 });
  const forged = await post(url, { code: 501, msg: 'x', data: { taskId: 'forged-1' } });
  expect(forged.status).toBe(503);
  expect((await second.wait({ timeout: 5_000 })).source).toBe('poll');
});

it('answers 503, not 401, to a genuine callback that races a record the API has not updated', async () => {
  const { sim } = await setup({ pendingMs: 5, generatingMs: 5 });
  sim.scenario('music-1', { callback: 'drop', unknownMs: 60_000 });
  const suno = new SunoCover({ ...sim.clientOptions, confirmCallbacks: true });
  const url = await nodeReceiver(suno);
  const task = await suno.covers.generate({ taskId: 'music-1' });
  const answer = await post(url, {
    code: 200,
    msg: 'success',
    data: { taskId: task.taskId, images: ['https://cdn.example/1.png'] },
  });
  // The host retries a 503; a 401 would have lost the callback for good.
  expect(answer.status).toBe(503);
  // The answer says nothing of the API error behind it.
  expect(answer.text).not.toMatch(/record-info|HTTP|127\.0\.0\.1/);
  suno.close();
});

it('still answers 401 for a task the API does not know and this client never submitted', async () => {
  const { sim } = await setup({ unknownTask: 'null-data' });
  const suno = new SunoCover({ ...sim.clientOptions, confirmCallbacks: true });
  const url = await nodeReceiver(suno);
  const answer = await post(url, { code: 501, msg: 'x', data: { taskId: 'never-submitted' } });
  expect(answer.status).toBe(401);
});
