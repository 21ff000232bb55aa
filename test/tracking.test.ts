import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AuthenticationError,
  ClientClosedError,
  type ConflictEvent,
  type StatusEvent,
  SunoCover,
  TaskFailedError,
  TaskTimeoutError,
  type TimeoutEvent,
} from 'suno-cover';
import { toNodeHandler } from 'suno-cover/node';
import type { CoverSimulator } from 'suno-cover/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rejection, requestsTo, setup } from './helpers.js';

const recordInfo = '/api/v1/suno/cover/record-info';
const servers: Server[] = [];
const clients: SunoCover[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(
    servers
      .splice(0)
      .map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
  );
});

/** A simulator, and a client that receives its callbacks on a real node:http server. */
async function withReceiver(simOptions = {}, clientOptions = {}) {
  const { sim, suno: plain } = await setup(simOptions);
  plain.close();
  let suno!: SunoCover;
  const server = createServer((req, res) => toNodeHandler(suno)(req, res));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const callbackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  suno = client(sim, { callbackUrl, ...clientOptions });
  return { sim, suno };
}

function client(sim: CoverSimulator, options = {}): SunoCover {
  const suno = new SunoCover({ apiKey: sim.apiKey, baseUrl: sim.url, ...options });
  clients.push(suno);
  return suno;
}

describe('task.wait()', () => {
  it('settles by callback when the callback comes first, without a single poll', async () => {
    const { sim, suno } = await withReceiver(
      { pendingMs: 20, generatingMs: 20 },
      { pollInterval: 60_000 },
    );
    const task = await suno.covers.generate({ taskId: 'music-1' });
    const result = await task.wait({ timeout: 5_000 });
    expect(result).toEqual({
      taskId: task.taskId,
      parentTaskId: 'music-1',
      images: sim.task(task.taskId)?.images,
      source: 'callback',
    });
    expect(requestsTo(sim, recordInfo)).toHaveLength(0);
    expect(task.status).toBe('succeeded');
    expect(suno.stats).toMatchObject({ tracked: 0, scheduled: 0, timerArmed: false });
  });

  it('settles by polling when the callback is lost', async () => {
    const { sim, suno } = await withReceiver(
      { pendingMs: 20, generatingMs: 20 },
      { pollInterval: 150 },
    );
    sim.scenario('music-1', { callback: 'drop' });
    const statuses: StatusEvent[] = [];
    const task = await suno.covers.generate({ taskId: 'music-1' });
    task.on('status', (event) => statuses.push(event));
    const result = await task.wait({ timeout: 5_000 });
    expect(result.source).toBe('poll');
    expect(result.images).toEqual(sim.task(task.taskId)?.images);
    expect(sim.callbacks).toHaveLength(0);
    expect(result.parentTaskId).toBe('music-1');
  });

  it('follows the status through polls and emits each change once', async () => {
    const { sim, suno } = await setup({ pendingMs: 600, generatingMs: 600 }, { pollInterval: 100 });
    clients.push(suno);
    const seen: string[] = [];
    suno.on('submitted', (event) => seen.push(`client:submitted:${event.existing}`));
    suno.on('status', (event) => seen.push(`client:${event.status}`));
    suno.on('succeeded', (event) => seen.push(`client:succeeded:${event.source}`));
    const task = await suno.covers.generate({ taskId: 'music-1' });
    task.on('status', (event) => seen.push(`task:${event.status}:${event.previous}`));
    task.on('succeeded', () => seen.push('task:succeeded'));
    await task.wait({ timeout: 5_000 });
    expect(seen).toEqual([
      'client:submitted:false',
      'client:pending',
      'task:pending:undefined',
      'client:generating',
      'task:generating:pending',
      'client:succeeded:poll',
      'task:succeeded',
    ]);
    expect(requestsTo(sim, recordInfo).length).toBeGreaterThanOrEqual(3);
  });

  it('settles at once when the callback arrived before generate() returned', async () => {
    // The simulator finishes the task and delivers its callback while the answer to
    // generate is still held back by latency.
    const { sim, suno } = await withReceiver(
      { pendingMs: 0, generatingMs: 0, latency: 300 },
      { pollInterval: 60_000 },
    );
    const succeeded: string[] = [];
    suno.on('succeeded', (event) => succeeded.push(event.taskId));
    const task = await suno.covers.generate({ taskId: 'music-1' });
    expect(succeeded).toEqual([task.taskId]);
    expect(task.status).toBe('succeeded');
    const result = await task.wait({ timeout: 100 });
    expect(result.source).toBe('callback');
    expect(requestsTo(sim, recordInfo)).toHaveLength(0);
    expect(suno.stats.tracked).toBe(0);
  });

  it('rejects with TaskFailedError carrying the code and refund of a 531 failure', async () => {
    const { sim, suno } = await withReceiver(
      { pendingMs: 10, generatingMs: 10 },
      { pollInterval: 60_000 },
    );
    sim.scenario('music-1', { outcome: { code: 531 } });
    const task = await suno.covers.generate({ taskId: 'music-1' });
    const error = (await rejection(task.wait({ timeout: 5_000 }))) as TaskFailedError;
    expect(error).toBeInstanceOf(TaskFailedError);
    expect(error).toMatchObject({
      taskId: task.taskId,
      code: 531,
      refunded: true,
      retryable: true,
      source: 'callback',
    });
    expect(error.message).toMatch(/credits refunded/);
  });

  it('reports a failure found by polling with the record error code', async () => {
    const { sim, suno } = await setup({ pendingMs: 10, generatingMs: 10 }, { pollInterval: 100 });
    clients.push(suno);
    sim.scenario('music-1', { outcome: { code: 501 }, callback: 'drop' });
    const failed: unknown[] = [];
    suno.on('failed', (event) => failed.push(event));
    const error = (await rejection(
      suno.covers.generateAndWait({ taskId: 'music-1' }, { timeout: 5_000 }),
    )) as TaskFailedError;
    expect(error).toMatchObject({ code: 501, refunded: false, source: 'poll' });
    expect(failed).toEqual([
      expect.objectContaining({ type: 'failed', code: 501, parentTaskId: 'music-1' }),
    ]);
  });

  it('gives every waiter, on every task object, the same outcome', async () => {
    const { sim, suno } = await setup({ pendingMs: 50, generatingMs: 50 }, { pollInterval: 100 });
    clients.push(suno);
    const task = await suno.covers.generate({ taskId: 'music-1' });
    const resumed = suno.covers.track(task.taskId);
    const results = await Promise.all([
      task.wait(),
      task.wait(),
      resumed.wait(),
      resumed.wait(),
      task.wait(),
    ]);
    expect(new Set(results.map((result) => JSON.stringify(result))).size).toBe(1);
    expect(results[0]?.images).toEqual(sim.task(task.taskId)?.images);
    // A later wait settles from the store.
    await expect(task.wait({ timeout: 1 })).resolves.toEqual(results[0]);
  });

  it('counts a repeated callback as a duplicate and settles once', async () => {
    const { sim, suno } = await withReceiver(
      { pendingMs: 10, generatingMs: 10 },
      { pollInterval: 60_000 },
    );
    const events: string[] = [];
    suno.on('succeeded', () => events.push('succeeded'));
    suno.on('callback', (event) => events.push(`callback:${event.duplicate}`));
    const task = await suno.covers.generate({ taskId: 'music-1' });
    await task.wait({ timeout: 5_000 });
    await sim.idle();
    const [attempt] = sim.callbacks;
    if (!attempt) throw new Error('the simulator sent no callback');
    const again = await fetch(attempt.url, {
      method: 'POST',
      headers: attempt.headers,
      body: JSON.stringify(attempt.body),
    });
    expect(again.status).toBe(200);
    await vi.waitFor(() =>
      expect(events).toEqual(['succeeded', 'callback:false', 'callback:true']),
    );
  });

  it('surfaces a callback that contradicts a polled outcome as a conflict, keeping the first', async () => {
    const { sim, suno } = await setup({ pendingMs: 10, generatingMs: 10 }, { pollInterval: 100 });
    clients.push(suno);
    sim.scenario('music-1', { callback: 'drop' });
    const conflicts: ConflictEvent[] = [];
    const task = await suno.covers.generate({ taskId: 'music-1' });
    task.on('conflict', (event) => conflicts.push(event));
    suno.on('conflict', (event) => conflicts.push(event));
    const result = await task.wait();
    await suno.callbacks.receive({ code: 501, msg: 'late', data: { taskId: task.taskId } });
    expect(conflicts).toEqual([
      expect.objectContaining({
        kept: 'succeeded',
        reported: 'failed',
        code: 501,
        source: 'callback',
      }),
    ]);
    await expect(task.wait()).resolves.toEqual(result);
  });

  it('fails the waits on a 401 during polling instead of polling on', async () => {
    const { sim, suno } = await setup({ pendingMs: 5_000 }, { pollInterval: 100, maxRetries: 0 });
    clients.push(suno);
    const task = await suno.covers.generate({ taskId: 'music-1' });
    const errors: unknown[] = [];
    suno.on('error', (event) => errors.push(event));
    sim.fail('record-info', { code: 401, times: 10 });
    const error = await rejection(task.wait({ timeout: 5_000 }));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(errors).toEqual([
      expect.objectContaining({ type: 'error', source: 'poll', taskId: task.taskId }),
    ]);
    expect(suno.stats).toMatchObject({ tracked: 0, scheduled: 0 });
    const polls = requestsTo(sim, recordInfo).length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(requestsTo(sim, recordInfo)).toHaveLength(polls);
  });

  it('keeps polling through a failed poll and reports it as an error event', async () => {
    const { sim, suno } = await setup(
      { pendingMs: 10, generatingMs: 10 },
      { pollInterval: 100, maxRetries: 0 },
    );
    clients.push(suno);
    sim.scenario('music-1', { callback: 'drop' });
    sim.fail('record-info', { status: 502, body: 'bad gateway', times: 2 });
    const errors: unknown[] = [];
    suno.on('error', (event) => errors.push(event));
    const result = await suno.covers.generateAndWait({ taskId: 'music-1' }, { timeout: 5_000 });
    expect(result.source).toBe('poll');
    expect(errors).toHaveLength(2);
  });

  it('pauses polling after a rate-limited answer for as long as Retry-After says', async () => {
    const { sim, suno } = await setup(
      { pendingMs: 10, generatingMs: 10 },
      { pollInterval: 100, maxRetries: 0 },
    );
    clients.push(suno);
    sim.scenario('music-1', { callback: 'drop' });
    sim.fail('record-info', { status: 429, retryAfter: 1 });
    const task = await suno.covers.generate({ taskId: 'music-1' });
    await task.wait({ timeout: 5_000 });
    const [limited, next] = requestsTo(sim, recordInfo);
    expect((next?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('rejects with the abort reason and stops tracking a task nobody else waits for', async () => {
    const { sim, suno } = await setup({ pendingMs: 10_000 }, { pollInterval: 100 });
    clients.push(suno);
    const task = await suno.covers.generate({ taskId: 'music-1' });
    const controller = new AbortController();
    const waiting = task.wait({ signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user gave up')), 150);
    expect(((await rejection(waiting)) as Error).message).toBe('user gave up');
    expect(suno.stats).toMatchObject({ tracked: 0, scheduled: 0, timerArmed: false });
    expect(requestsTo(sim, recordInfo).length).toBeGreaterThanOrEqual(1);
  });

  it('rejects with TaskTimeoutError and emits timeout with the last status seen', async () => {
    const { suno } = await setup({ pendingMs: 50, generatingMs: 10_000 }, { pollInterval: 100 });
    clients.push(suno);
    const task = await suno.covers.generate({ taskId: 'music-1' });
    const timeouts: TimeoutEvent[] = [];
    task.on('timeout', (event) => timeouts.push(event));
    const error = (await rejection(task.wait({ timeout: 400 }))) as TaskTimeoutError;
    expect(error).toBeInstanceOf(TaskTimeoutError);
    expect(error.lastStatus).toBe('generating');
    expect(error.waited).toBeGreaterThanOrEqual(400);
    expect(timeouts).toEqual([
      expect.objectContaining({ type: 'timeout', taskId: task.taskId, lastStatus: 'generating' }),
    ]);
    // The task still has a listener, so it is still tracked.
    expect(suno.stats.tracked).toBe(1);
  });

  it('resumes a task submitted elsewhere with covers.track()', async () => {
    const { sim, suno } = await setup(
      { pendingMs: 10, generatingMs: 10 },
      { pollInterval: 60_000 },
    );
    clients.push(suno);
    const submitted = await suno.covers.generate({ taskId: 'music-1' });
    await sim.idle();
    const other = client(sim, { pollInterval: 60_000 });
    const resumed = other.covers.track(submitted.taskId);
    expect(resumed.parentTaskId).toBeNull();
    const result = await resumed.wait({ timeout: 2_000 });
    expect(result).toMatchObject({
      taskId: submitted.taskId,
      parentTaskId: 'music-1',
      source: 'poll',
    });
    expect(resumed.parentTaskId).toBe('music-1');
  });

  it('polls an existing task at once when generate() finds one', async () => {
    const { sim, suno } = await setup(
      { pendingMs: 10, generatingMs: 10 },
      { pollInterval: 60_000 },
    );
    clients.push(suno);
    await suno.covers.generate({ taskId: 'music-1' });
    await sim.idle();
    const other = client(sim, { pollInterval: 60_000 });
    const again = await other.covers.generate({ taskId: 'music-1' });
    expect(again.existing).toBe(true);
    await expect(again.wait({ timeout: 2_000 })).resolves.toMatchObject({ source: 'poll' });
  });

  it("never polls in 'callback-only' mode", async () => {
    const { sim, suno } = await setup(
      { pendingMs: 10, generatingMs: 10 },
      { pollingMode: 'callback-only', pollInterval: 100 },
    );
    clients.push(suno);
    const task = await suno.covers.generate({ taskId: 'music-1' });
    await expect(task.wait({ timeout: 500 })).rejects.toBeInstanceOf(TaskTimeoutError);
    expect(requestsTo(sim, recordInfo)).toHaveLength(0);
  });

  it('ends every wait with ClientClosedError on close() and leaves no timer', async () => {
    const { suno } = await setup({ pendingMs: 10_000 }, { pollInterval: 100 });
    const task = await suno.covers.generate({ taskId: 'music-1' });
    const waiting = task.wait();
    suno.close();
    expect(await rejection(waiting)).toBeInstanceOf(ClientClosedError);
    expect(suno.stats).toMatchObject({ tracked: 0, scheduled: 0, timerArmed: false });
    await expect(suno.covers.generate({ taskId: 'music-2' })).rejects.toBeInstanceOf(
      ClientClosedError,
    );
    await expect(task.wait()).rejects.toBeInstanceOf(ClientClosedError);
  });
});

describe('the poll scheduler', () => {
  it('tracks 1 000 tasks with one timer and never polls faster than maxPollsPerSecond', async () => {
    const { sim } = await setup({ pendingMs: 60_000 });
    const suno = client(sim, { pollInterval: 100, maxPollsPerSecond: 40, maxConcurrentPolls: 4 });
    const tasks = Array.from({ length: 1_000 }, (_, i) =>
      suno.covers.track(`task-${String(i).padStart(4, '0')}`),
    );
    expect(suno.stats).toMatchObject({ tracked: 1_000, scheduled: 1_000, timerArmed: true });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    suno.close();
    const polls = requestsTo(sim, recordInfo).map((request) => request.at);
    expect(polls.length).toBeGreaterThan(40);
    // No window of one second holds more than the cap (one extra for window edges).
    for (let i = 0; i < polls.length; i++) {
      const inWindow = polls.filter(
        (at) => at >= (polls[i] as number) && at < (polls[i] as number) + 1_000,
      ).length;
      expect(inWindow).toBeLessThanOrEqual(41);
    }
    expect(tasks).toHaveLength(1_000);
  });

  it('polls every 30 seconds by default', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const { sim } = await setup({ pendingMs: 10 * 60_000 });
      const suno = client(sim);
      await suno.covers.generate({ taskId: 'music-1' });
      await vi.advanceTimersByTimeAsync(26_000);
      expect(requestsTo(sim, recordInfo)).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(8_000);
      await vi.waitFor(() => expect(requestsTo(sim, recordInfo)).toHaveLength(1));
      await vi.advanceTimersByTimeAsync(20_000);
      expect(requestsTo(sim, recordInfo)).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(15_000);
      await vi.waitFor(() => expect(requestsTo(sim, recordInfo)).toHaveLength(2));
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the store of recent outcomes', () => {
  const callback = (i: number) => ({
    code: 200,
    msg: 'ok',
    data: { taskId: `task-${i}`, images: ['https://cdn.example/u.png'] },
  });

  it('keeps at most maxSize outcomes while tasks come and go, oldest out first', async () => {
    const suno = new SunoCover({ apiKey: 'k', recentOutcomes: { maxSize: 1_000 } });
    for (let i = 0; i < 20_000; i++) await suno.callbacks.receive(callback(i));
    expect(suno.stats.stored).toBe(1_000);
    // The newest are remembered (a repeat is a duplicate); the oldest are forgotten.
    expect((await suno.callbacks.receive(callback(19_999))).duplicate).toBe(true);
    expect((await suno.callbacks.receive(callback(0))).duplicate).toBe(false);
  });

  it('forgets outcomes older than maxAge', async () => {
    const suno = new SunoCover({ apiKey: 'k', recentOutcomes: { maxAge: 50 } });
    await suno.callbacks.receive(callback(1));
    expect((await suno.callbacks.receive(callback(1))).duplicate).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 80));
    await suno.callbacks.receive(callback(2));
    expect(suno.stats.stored).toBe(1);
    expect((await suno.callbacks.receive(callback(1))).duplicate).toBe(false);
  });
});
