/**
kie.ai's Market route (`api: 'market'`), end to end over real sockets against the
simulator: the same public API as the legacy route, on `/api/v1/jobs/*`, with
Market-shaped records and callbacks.
*/
import { createServer } from 'node:http';
import {
  CallbackParseError,
  NO_CALLBACK_URL,
  parseCoverCallback,
  ResponseValidationError,
  SunoCover,
  TaskFailedError,
} from 'suno-cover';
import { toNodeHandler } from 'suno-cover/node';
import { createCoverSimulator } from 'suno-cover/testing';
import { describe, expect, it } from 'vitest';
import { chance } from '../src/testing/chaos.js';
import { listen, nodeReceiver, rejection, requestsTo, setup } from './helpers.js';

const createTaskPath = '/api/v1/jobs/createTask';
const recordInfoPath = '/api/v1/jobs/recordInfo';
const model = 'ai-music-api/cover-generate';

/** The states the simulator's recordInfo answers over time, read raw, each change once. */
function watchStates(url: string, apiKey: string, taskId: string) {
  const states: string[] = [];
  const done = (async () => {
    // Until the task ends (bounded, so that a broken simulator fails the test, not hangs it).
    for (let i = 0; i < 500; i++) {
      const response = await fetch(`${url}${recordInfoPath}?taskId=${taskId}`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      const { data } = (await response.json()) as { data: { state: string } };
      if (states.at(-1) !== data.state) states.push(data.state);
      if (data.state === 'success' || data.state === 'fail') return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return { states, done };
}

describe("the Market route (api: 'market')", () => {
  it('submits to jobs/createTask with the music task id in input.task_id', async () => {
    const { sim, suno } = await setup({}, { api: 'market' });
    const task = await suno.covers.generate({
      taskId: 'music-1',
      callBackUrl: 'https://example.com/hook',
    });
    const [request] = requestsTo(sim, createTaskPath);
    expect(request?.body).toEqual({
      model,
      callBackUrl: 'https://example.com/hook',
      input: { task_id: 'music-1' },
    });
    expect(task.taskId).toMatch(/^[0-9a-f]{32}$/);
    expect(task.parentTaskId).toBe('music-1');
    expect(sim.task(task.taskId)?.api).toBe('market');
    expect(requestsTo(sim, '/api/v1/suno/cover/generate')).toHaveLength(0);
  });

  it('polls a task through waiting, queuing, generating and success to its images', async () => {
    const { sim, suno } = await setup(
      { pendingMs: 400, generatingMs: 300 },
      { api: 'market', pollInterval: 100 },
    );
    const task = await suno.covers.generate({ taskId: 'music-1' });
    const watch = watchStates(sim.url, sim.apiKey, task.taskId);
    const statuses: string[] = [];
    task.on('status', (event) => statuses.push(event.status));
    const result = await task.wait();
    await watch.done;
    expect(watch.states).toEqual(['waiting', 'queuing', 'generating', 'success']);
    expect(statuses).toEqual(['pending', 'generating']);
    expect(result).toMatchObject({ taskId: task.taskId, parentTaskId: 'music-1', source: 'poll' });
    expect(result.images).toEqual(sim.task(task.taskId)?.images);
    expect(result.images).toHaveLength(2);
    expect(requestsTo(sim, recordInfoPath).length).toBeGreaterThan(1);
    expect(requestsTo(sim, '/api/v1/suno/cover/record-info')).toHaveLength(0);
    // The SDK's placeholder was sent, so the simulator had nowhere to deliver.
    expect(requestsTo(sim, createTaskPath)[0]?.body).toMatchObject({
      callBackUrl: NO_CALLBACK_URL,
    });
    expect(sim.callbacks).toHaveLength(0);
  });

  it('reads a Market record into the same CoverDetails as the legacy route', async () => {
    const { sim, suno } = await setup(
      { pendingMs: 150, generatingMs: 150 },
      { api: 'market', pollingMode: 'callback-only' },
    );
    const task = await suno.covers.generate({ taskId: 'music-1' });
    const pending = await suno.covers.get(task.taskId);
    expect(pending).toMatchObject({
      taskId: task.taskId,
      parentTaskId: 'music-1',
      status: 'pending',
      successFlag: 0,
      images: [],
      errorCode: null,
      completeTime: null,
      // The SDK's own placeholder reads as no callback URL, as on the legacy route.
      callbackUrl: null,
    });
    expect(pending.createTime).toBeInstanceOf(Date);
    await sim.idle();
    const done = await suno.covers.get(task.taskId);
    expect(done).toMatchObject({ status: 'succeeded', successFlag: 1, errorCode: null });
    expect(done.images).toEqual(sim.task(task.taskId)?.images);
    expect(done.completeTime?.getTime()).toBe(
      Date.parse(sim.task(task.taskId)?.completeTime ?? ''),
    );
  });

  it('settles by a signed Market-shaped callback before any poll', async () => {
    const secret = 'whsec_market_test';
    const { sim, suno } = await setup(
      { webhookHmacKey: secret },
      { api: 'market', webhookSecret: secret, pollingMode: 'callback-only' },
    );
    const hook = await nodeReceiver(suno);
    const task = await suno.covers.generate({ taskId: 'music-1', callBackUrl: hook });
    const result = await task.wait();
    expect(result.source).toBe('callback');
    expect(result.images).toEqual(sim.task(task.taskId)?.images);
    await sim.idle();
    const [delivery] = sim.callbacks;
    expect(delivery?.status).toBe(200);
    expect(delivery?.headers['x-webhook-signature']).toBeTruthy();
    const body = delivery?.body as { code: number; data: Record<string, unknown> };
    expect(body.code).toBe(200);
    expect(body.data).toMatchObject({ taskId: task.taskId, state: 'success', failCode: '' });
    expect(JSON.parse(body.data.resultJson as string)).toEqual({ resultUrls: result.images });
    expect(requestsTo(sim, recordInfoPath)).toHaveLength(0);
  });

  it('fails a task with the failCode and failMsg of the record, by poll and by callback', async () => {
    const { sim, suno } = await setup({}, { api: 'market', pollInterval: 100 });
    sim.scenario('music-1', { outcome: { code: 531, msg: 'Credits refunded' }, callback: 'drop' });
    const polled = await suno.covers.generate({ taskId: 'music-1' });
    const byPoll = await rejection(polled.wait());
    expect(byPoll).toBeInstanceOf(TaskFailedError);
    expect(byPoll).toMatchObject({
      code: 531,
      msg: 'Credits refunded',
      refunded: true,
      retryable: true,
      source: 'poll',
    });
    expect(await suno.covers.get(polled.taskId)).toMatchObject({
      status: 'failed',
      successFlag: 3,
      errorCode: 531,
      errorMessage: 'Credits refunded',
      images: [],
    });

    const receiver = new SunoCover({
      apiKey: sim.apiKey,
      baseUrl: sim.url,
      api: 'market',
      pollingMode: 'callback-only',
      allowUnverifiedCallbacks: true,
    });
    const hook = await nodeReceiver(receiver);
    sim.scenario('music-2', { outcome: { code: 501, msg: 'Cover generation failed' } });
    const called = await receiver.covers.generate({ taskId: 'music-2', callBackUrl: hook });
    const byCallback = await rejection(called.wait());
    expect(byCallback).toMatchObject({ code: 501, refunded: false, source: 'callback' });
    const body = sim.callbacks[0]?.body as { data: Record<string, unknown> };
    expect(body.data).toMatchObject({
      state: 'fail',
      failCode: '501',
      failMsg: 'Cover generation failed',
      resultJson: '',
    });
  });

  it('answers 400 to a callback whose resultJson is malformed, and dispatches nothing', async () => {
    const { suno } = await setup({}, { api: 'market', allowUnverifiedCallbacks: true });
    const hook = await nodeReceiver(suno);
    let settled = 0;
    suno.on('succeeded', () => settled++);
    const response = await fetch(hook, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        code: 200,
        msg: 'success',
        data: { taskId: 'task_1', state: 'success', resultJson: '{"resultUrls":["https://cdn' },
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: 'invalid_callback',
      message: expect.stringMatching(/at data\.resultJson: is not valid JSON/),
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(0);
  });

  it('throws ResponseValidationError naming data.resultJson when a record holds malformed JSON', async () => {
    const { sim, suno } = await setup({}, { api: 'market', pollingMode: 'callback-only' });
    const task = await suno.covers.generate({ taskId: 'music-1' });
    sim.fail('record-info', {
      body: JSON.stringify({
        code: 200,
        msg: 'success',
        data: { taskId: task.taskId, state: 'success', resultJson: '{"resultUrls":' },
      }),
    });
    const error = await rejection(suno.covers.get(task.taskId));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).issues[0]).toMatchObject({
      path: ['data', 'resultJson'],
    });
    expect((error as Error).message).toMatch(/data\.resultJson: /);
  });

  it.each([400, 409] as const)(
    'returns the existing task with existing: true when createTask answers %i with its taskId',
    async (code) => {
      const { sim, suno } = await setup({ existingCoverCode: code }, { api: 'market' });
      const first = await suno.covers.generate({ taskId: 'music-1' });
      const again = await suno.covers.generate({ taskId: 'music-1' });
      expect(again.existing).toBe(true);
      expect(again.taskId).toBe(first.taskId);
      expect(requestsTo(sim, createTaskPath)).toHaveLength(2);
      expect(sim.credits).toBe(99);
    },
  );

  it('settles both kinds of callback on one receiver, whichever route submitted them', async () => {
    const sim = await createCoverSimulator();
    try {
      const receiver = new SunoCover({
        apiKey: sim.apiKey,
        baseUrl: sim.url,
        pollingMode: 'callback-only',
        allowUnverifiedCallbacks: true,
      });
      const hook = await listen(createServer(toNodeHandler(receiver)));
      const legacy = new SunoCover({
        apiKey: sim.apiKey,
        baseUrl: sim.url,
        pollingMode: 'callback-only',
      });
      const market = new SunoCover({
        apiKey: sim.apiKey,
        baseUrl: sim.url,
        api: 'market',
        pollingMode: 'callback-only',
      });
      const settled = new Map<string, string[]>();
      receiver.on('succeeded', (event) => settled.set(event.taskId, event.images));
      const one = await legacy.covers.generate({ taskId: 'music-1', callBackUrl: hook });
      const two = await market.covers.generate({ taskId: 'music-2', callBackUrl: hook });
      const [first, second] = await Promise.all([
        receiver.covers.track(one.taskId).wait(),
        receiver.covers.track(two.taskId).wait(),
      ]);
      expect(first.images).toEqual(sim.task(one.taskId)?.images);
      expect(second.images).toEqual(sim.task(two.taskId)?.images);
      expect([...settled.keys()].sort()).toEqual([one.taskId, two.taskId].sort());
      const shapes = sim.callbacks.map((delivery) =>
        Object.keys((delivery.body as { data: object }).data).includes('state')
          ? 'market'
          : 'legacy',
      );
      expect(shapes.sort()).toEqual(['legacy', 'market']);
      for (const client of [receiver, legacy, market]) client.close();
    } finally {
      await sim.close();
    }
  });

  it('settles 40 Market tasks exactly as the simulator decided, under seeded faults and drift', async () => {
    const seed = 7;
    const secret = 'whsec_market_chaos';
    const sim = await createCoverSimulator({
      seed: 'market-chaos',
      pendingMs: 30,
      generatingMs: 150,
      webhookHmacKey: secret,
      callbackRetryDelays: [50, 150, 400],
      chaos: { seed, apiFaultRate: 0.15, callbackFaultRate: 0.6, delayMs: 300 },
    });
    try {
      const suno = new SunoCover({
        apiKey: sim.apiKey,
        baseUrl: sim.url,
        api: 'market',
        webhookSecret: secret,
        pollInterval: 100,
        timeout: 300,
        maxRetries: 3,
        maxPollsPerSecond: 100,
        maxConcurrentPolls: 8,
        submitRate: { limit: 10_000, interval: 1_000 },
      });
      const hook = await nodeReceiver(suno);
      const expected = new Map<string, number | 'success'>();
      for (let i = 0; i < 40; i++) {
        const roll = chance(seed, `market:${i}`);
        const code = [400, 501, 531][Math.floor(roll * 100) % 3] as number;
        sim.scenario(`music-${i}`, roll < 0.3 ? { outcome: { code } } : {});
        expected.set(`music-${i}`, roll < 0.3 ? code : 'success');
      }
      const outcomes = await Promise.all(
        [...expected.keys()].map(async (musicId) => {
          // A user retries a failed submit; the API's idempotency makes it safe.
          for (let attempt = 0; ; attempt++) {
            try {
              const task = await suno.covers.generate({ taskId: musicId, callBackUrl: hook });
              return await task.wait({ timeout: 20_000 }).then(
                (result) => ({ musicId, taskId: task.taskId, outcome: 'success' as const, result }),
                (error: unknown) => ({
                  musicId,
                  taskId: task.taskId,
                  outcome: error,
                  result: undefined,
                }),
              );
            } catch (error) {
              if (attempt >= 10) throw error;
            }
          }
        }),
      );
      for (const { musicId, taskId, outcome, result } of outcomes) {
        const decided = expected.get(musicId);
        if (decided === 'success') {
          expect(outcome).toBe('success');
          expect(result?.images).toEqual(sim.task(taskId)?.images);
        } else {
          expect(outcome).toBeInstanceOf(TaskFailedError);
          expect((outcome as TaskFailedError).code).toBe(decided);
        }
      }
      suno.close();
      expect(suno.stats.tracked).toBe(0);
    } finally {
      await sim.close();
    }
  }, 60_000);
});

describe('parseCoverCallback with Market bodies', () => {
  const record = {
    taskId: 'task_12345678',
    model,
    state: 'success',
    param: JSON.stringify({ model, input: { task_id: 'music-1' } }),
    resultJson: JSON.stringify({ resultUrls: ['https://cdn.example/1.jpg'] }),
    failCode: '',
    failMsg: '',
    costTime: 15000,
    completeTime: 1698765432000,
    createTime: 1698765400000,
    updateTime: 1698765432000,
  };

  it('reads a success inside the envelope, and bare', () => {
    const expected = {
      status: 'succeeded',
      taskId: 'task_12345678',
      code: 200,
      images: ['https://cdn.example/1.jpg'],
    };
    expect(parseCoverCallback({ code: 200, msg: 'success', data: record })).toEqual({
      ...expected,
      msg: 'success',
    });
    expect(parseCoverCallback(JSON.stringify(record))).toEqual({ ...expected, msg: '' });
  });

  it.each([
    ['images', { images: ['https://cdn.example/a.png'] }],
    ['imageUrls', { imageUrls: ['https://cdn.example/a.png'] }],
    ['resultJson sent as an object', { resultUrls: ['https://cdn.example/a.png'] }],
  ])('reads the images of resultJson from %s', (name, result) => {
    const resultJson = name.includes('object') ? result : JSON.stringify(result);
    expect(parseCoverCallback({ code: 200, data: { ...record, resultJson } }).images).toEqual([
      'https://cdn.example/a.png',
    ]);
  });

  it.each<[string, Record<string, unknown>, number, string]>([
    ['a numeric failCode', { failCode: '531', failMsg: 'refunded' }, 531, 'refunded'],
    ['a failCode sent as a number', { failCode: 408 }, 408, 'envelope message'],
    ['no failCode, the envelope code', { failCode: '' }, 455, 'envelope message'],
    ['a failCode that is not a number', { failCode: 'E_UPSTREAM' }, 455, 'envelope message'],
  ])('reads a failure with %s', (_name, fields, code, msg) => {
    const parsed = parseCoverCallback({
      code: 455,
      msg: 'envelope message',
      data: { ...record, state: 'fail', resultJson: '', ...fields },
    });
    expect(parsed).toMatchObject({ status: 'failed', code, msg, images: [] });
  });

  it('makes a failure without any error code a 501', () => {
    expect(
      parseCoverCallback({ code: 200, data: { ...record, state: 'fail', resultJson: null } }),
    ).toMatchObject({ status: 'failed', code: 501, refunded: false });
    expect(parseCoverCallback({ ...record, state: 'FAIL', failCode: '0' })).toMatchObject({
      code: 501,
    });
  });

  it.each<[string, unknown, string, RegExp]>([
    [
      'malformed resultJson',
      { resultJson: '{"resultUrls":[' },
      'data.resultJson',
      /not valid JSON/,
    ],
    ['resultJson that is not an object', { resultJson: '[1]' }, 'data.resultJson', /JSON object/],
    ['no resultJson', { resultJson: null }, 'data.resultJson', /image URLs in resultJson/],
    [
      'no image URL',
      { resultJson: '{"resultUrls":[]}' },
      'data.resultJson.resultUrls',
      /at least one/,
    ],
    [
      'a javascript: image URL',
      { resultJson: '{"images":["javascript:alert(1)"]}' },
      'data.resultJson.images.0',
      /http: or https:/,
    ],
    [
      'more than 8 image URLs',
      { resultJson: JSON.stringify({ resultUrls: Array(9).fill('https://cdn.example/1.png') }) },
      'data.resultJson.resultUrls',
      /at most 8/,
    ],
    ['a state that is not final', { state: 'generating' }, 'data.state', /finished task/],
    ['an unknown state', { state: 'done' }, 'data.state', /"success" or "fail"/],
    ['a failMsg over its cap', { failMsg: 'm'.repeat(1025) }, 'data.failMsg', /at most 1024/],
    ['no task id', { taskId: undefined }, 'data.taskId', /task id is missing/],
  ])('rejects %s with a CallbackParseError at its path', (_name, fields, path, message) => {
    let caught: unknown;
    try {
      parseCoverCallback({ code: 200, msg: 'success', data: { ...record, ...(fields as object) } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CallbackParseError);
    expect((caught as CallbackParseError).path).toBe(path);
    expect((caught as Error).message).toMatch(message);
  });

  it('rejects a resultJson nested too deep for JSON.parse without a crash', () => {
    const resultJson = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(() => parseCoverCallback({ code: 200, data: { ...record, resultJson } })).toThrow(
      expect.objectContaining({ name: 'CallbackParseError', path: 'data.resultJson' }),
    );
  });

  it('names the fields of a bare record without data.', () => {
    expect(() => parseCoverCallback({ ...record, resultJson: '{' })).toThrow(
      expect.objectContaining({ path: 'resultJson' }),
    );
  });
});
