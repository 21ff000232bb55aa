import {
  BadRequestError,
  CoverTask,
  InsufficientCreditsError,
  InvalidArgumentError,
  NO_CALLBACK_URL,
  NotFoundError,
  SunoCover,
} from 'suno-cover';
import { describe, expect, it } from 'vitest';
import { rejection, requestsTo, setup } from './helpers.js';

const generatePath = '/api/v1/suno/cover/generate';

describe('covers.generate', () => {
  it('submits the music task id and returns the new cover task', async () => {
    const { sim, suno } = await setup();
    const task = await suno.covers.generate({
      taskId: 'music-1',
      callBackUrl: 'https://example.com/hook',
    });
    expect(task).toBeInstanceOf(CoverTask);
    expect(task.taskId).toMatch(/^[0-9a-f]{32}$/);
    expect(task.taskId).not.toBe('music-1');
    expect(task.parentTaskId).toBe('music-1');
    expect(task.existing).toBe(false);
    expect(task.callbackUrl).toBe('https://example.com/hook');
    const [request] = requestsTo(sim, generatePath);
    expect(request?.body).toEqual({ taskId: 'music-1', callBackUrl: 'https://example.com/hook' });
    expect(request?.authorized).toBe(true);
    expect(sim.task(task.taskId)?.parentTaskId).toBe('music-1');
  });

  it("uses the client's callbackUrl when the call gives none", async () => {
    const { sim, suno } = await setup({}, { callbackUrl: 'https://example.com/default/' });
    const task = await suno.covers.generate({ taskId: 'music-1' });
    expect(task.callbackUrl).toBe('https://example.com/default');
    expect(requestsTo(sim, generatePath)[0]?.body).toMatchObject({
      callBackUrl: 'https://example.com/default',
    });
  });

  it('sends the documented placeholder URL when no callback URL is configured', async () => {
    const { sim, suno } = await setup();
    const task = await suno.covers.generate({ taskId: 'music-1' });
    expect(task.callbackUrl).toBeNull();
    expect(requestsTo(sim, generatePath)[0]?.body).toMatchObject({ callBackUrl: NO_CALLBACK_URL });
    expect(new URL(NO_CALLBACK_URL).hostname.endsWith('.invalid')).toBe(true);
  });

  it('returns the existing task with existing: true when the cover was already generated (code 400)', async () => {
    const { suno } = await setup();
    const first = await suno.covers.generate({ taskId: 'music-1' });
    const again = await suno.covers.generate({ taskId: 'music-1' });
    expect(again.existing).toBe(true);
    expect(again.taskId).toBe(first.taskId);
    expect(again.parentTaskId).toBe('music-1');
  });

  it('treats code 409 with a taskId as the existing task too', async () => {
    const { suno } = await setup({ existingCoverCode: 409 });
    const first = await suno.covers.generate({ taskId: 'music-1' });
    const again = await suno.covers.generate({ taskId: 'music-1' });
    expect(again).toMatchObject({ taskId: first.taskId, existing: true });
  });

  it('throws BadRequestError for a code 400 that carries no taskId', async () => {
    const { sim, suno } = await setup();
    sim.fail('generate', { code: 400, msg: 'callBackUrl is invalid' });
    const error = await rejection(suno.covers.generate({ taskId: 'music-1' }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ code: 400, status: 200, msg: 'callBackUrl is invalid' });
  });

  it('throws NotFoundError for an unknown music task', async () => {
    const { suno } = await setup({ musicTasks: ['music-known'] });
    const error = await rejection(suno.covers.generate({ taskId: 'music-unknown' }));
    expect(error).toBeInstanceOf(NotFoundError);
    await expect(suno.covers.generate({ taskId: 'music-known' })).resolves.toMatchObject({
      existing: false,
    });
  });

  it('throws InsufficientCreditsError when the account has no credits left', async () => {
    const { sim, suno } = await setup({ credits: 1 });
    await suno.covers.generate({ taskId: 'music-1' });
    expect(sim.credits).toBe(0);
    const error = await rejection(suno.covers.generate({ taskId: 'music-2' }));
    expect(error).toBeInstanceOf(InsufficientCreditsError);
    expect((error as Error).message).toMatch(/Top up/);
  });

  it.each([
    [undefined, /got undefined/],
    [{}, /non-empty task id string, got undefined/],
    [{ taskId: '' }, /non-empty task id string, got ""/],
    [{ taskId: 42 }, /got 42/],
    [{ taskId: 'm', callBackUrl: 'not a url' }, /callBackUrl` is not a valid absolute URL/],
    [{ taskId: 'm', callBackUrl: 'ftp://example.com/x' }, /must be an http\(s\) URL/],
  ])(
    'rejects bad params %j with InvalidArgumentError and sends nothing',
    async (params, message) => {
      const { sim, suno } = await setup();
      const error = await rejection(suno.covers.generate(params as never));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toMatch(message);
      expect(sim.requests).toHaveLength(0);
    },
  );
});

describe('covers.get', () => {
  it('follows the task from pending through generating to succeeded with its images', async () => {
    const { sim, suno } = await setup({ pendingMs: 150, generatingMs: 1_000 });
    const task = await suno.covers.generate({ taskId: 'music-1' });
    const pending = await suno.covers.get(task.taskId);
    expect(pending).toMatchObject({
      status: 'pending',
      successFlag: 0,
      images: [],
      completeTime: null,
    });
    expect(pending.createTime).toBeInstanceOf(Date);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await suno.covers.get(task.taskId)).toMatchObject({
      status: 'generating',
      successFlag: 2,
    });
    await sim.idle();
    const done = await suno.covers.get(task.taskId);
    expect(done.status).toBe('succeeded');
    expect(done.successFlag).toBe(1);
    expect(done.images).toHaveLength(2);
    expect(done.images).toEqual(sim.task(task.taskId)?.images);
    expect(done.completeTime).toBeInstanceOf(Date);
    expect(done.parentTaskId).toBe('music-1');
    // The SDK's placeholder reads as no callback URL, as on the task object.
    expect(done.callbackUrl).toBeNull();
  });

  it('reports a failed task with its error code and message', async () => {
    const { sim, suno } = await setup({ pendingMs: 10, generatingMs: 10 });
    sim.scenario('music-1', { outcome: { code: 531 } });
    const task = await suno.covers.generate({ taskId: 'music-1' });
    await sim.idle();
    const details = await suno.covers.get(task.taskId);
    expect(details).toMatchObject({ status: 'failed', successFlag: 3, errorCode: 531, images: [] });
    expect(details.errorMessage).toMatch(/refunded/);
  });

  it.each(['code-422', 'code-404', 'null-data'] as const)(
    'throws NotFoundError for an unknown task when the host answers %s',
    async (unknownTask) => {
      const { suno } = await setup({ unknownTask });
      const error = await rejection(suno.covers.get('0123456789abcdef0123456789abcdef'));
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).endpoint).toBe('GET /api/v1/suno/cover/record-info');
    },
  );

  it('rejects an empty task id with InvalidArgumentError', async () => {
    const { suno } = await setup();
    await expect(suno.covers.get('  ')).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('suno.credits', () => {
  it('reads the remaining credits', async () => {
    const { sim, suno } = await setup({ credits: 42 });
    expect(await suno.credits()).toBe(42);
    expect(sim.requests.at(-1)?.path).toBe('/api/v1/generate/credit');
  });

  it("uses kie.ai's credit path when the base URL is kie.ai's, or the creditsPath option", async () => {
    const { sim } = await setup({ credits: 7 });
    const suno = new SunoCover({
      apiKey: sim.apiKey,
      baseUrl: sim.url,
      creditsPath: '/api/v1/chat/credit',
    });
    expect(await suno.credits()).toBe(7);
    expect(sim.requests.at(-1)?.path).toBe('/api/v1/chat/credit');
    let seen = '';
    const kie = new SunoCover({
      apiKey: 'k',
      baseUrl: 'https://api.kie.ai',
      fetch: async (request) => {
        seen = request.url;
        return Response.json({ code: 200, msg: 'success', data: 12.5 });
      },
    });
    expect(await kie.credits()).toBe(12.5);
    expect(seen).toBe('https://api.kie.ai/api/v1/chat/credit');
  });
});

describe('the submit rate', () => {
  it('queues generate calls past submitRate instead of bursting the API, in order', async () => {
    const { sim } = await setup();
    const sent: { at: number; taskId: string }[] = [];
    const suno = new SunoCover({
      apiKey: sim.apiKey,
      baseUrl: sim.url,
      submitRate: { limit: 3, interval: 300 },
      fetch: async (request, init) => {
        if (request.url.endsWith('/generate')) {
          // Stamped before any await, in call order.
          const entry = { at: Date.now(), taskId: '' };
          sent.push(entry);
          entry.taskId = ((await request.clone().json()) as { taskId: string }).taskId;
        }
        return fetch(request, init);
      },
    });
    // Load the HTTP libraries first: the first request's import would delay only its own fetch.
    await suno.credits();
    const started = Date.now();
    const tasks = await Promise.all(
      Array.from({ length: 8 }, (_, i) => suno.covers.generate({ taskId: `music-${i}` })),
    );
    suno.close();
    expect(tasks.map((task) => task.parentTaskId)).toEqual(
      Array.from({ length: 8 }, (_, i) => `music-${i}`),
    );
    expect(sent.map((request) => request.taskId)).toEqual(tasks.map((task) => task.parentTaskId));
    // The limiter spaces the 1st and 4th starts by 300 ms; the wrapped fetch runs a little
    // after each start, by a varying amount on a loaded machine, so the check leaves it
    // 50 ms. Without the limiter all 8 would go within a few ms.
    for (const request of sent) {
      expect(
        sent.filter((other) => other.at >= request.at && other.at < request.at + 250).length,
      ).toBeLessThanOrEqual(3);
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
  });

  it('lets a queued generate be aborted without sending it, and without holding up the rest', async () => {
    const { sim } = await setup();
    const suno = new SunoCover({
      apiKey: sim.apiKey,
      baseUrl: sim.url,
      submitRate: { limit: 1, interval: 400 },
    });
    const controller = new AbortController();
    const first = suno.covers.generate({ taskId: 'music-1' });
    const second = suno.covers.generate({ taskId: 'music-2' }, { signal: controller.signal });
    const third = suno.covers.generate({ taskId: 'music-3' });
    controller.abort(new Error('not this one'));
    expect(((await rejection(second)) as Error).message).toBe('not this one');
    await Promise.all([first, third]);
    suno.close();
    expect(
      requestsTo(sim, generatePath).map((request) => (request.body as { taskId: string }).taskId),
    ).toEqual(['music-1', 'music-3']);
  });
});
