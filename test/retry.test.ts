import {
  RateLimitError,
  type RetryEvent,
  ServerError,
  ServiceUnavailableError,
  SunoCover,
} from 'suno-cover';
import type { SimulatorFault } from 'suno-cover/testing';
import { describe, expect, it } from 'vitest';
import { rejection, requestsTo, setup } from './helpers.js';

const creditPath = '/api/v1/generate/credit';

function recordRetries(suno: SunoCover): RetryEvent[] {
  const events: RetryEvent[] = [];
  suno.on('retry', (event) => events.push(event));
  return events;
}

describe('retries', () => {
  it('retries a 500 with exponential backoff and emits a retry event per attempt', async () => {
    const { sim, suno } = await setup({ credits: 5 });
    const events = recordRetries(suno);
    sim.fail('credit', { status: 500, code: 500, times: 2 });
    expect(await suno.credits()).toBe(5);
    expect(requestsTo(sim, creditPath)).toHaveLength(3);
    expect(events.map((event) => event.attempt)).toEqual([1, 2]);
    expect(events[0]).toMatchObject({ type: 'retry', endpoint: 'GET /api/v1/generate/credit' });
    expect(events[0]?.error).toBeInstanceOf(ServerError);
    expect(events[0]?.at).toBeInstanceOf(Date);
    // 0.5 s then 1 s, each minus up to 25 % jitter.
    expect(events[0]?.delay).toBeGreaterThanOrEqual(375);
    expect(events[0]?.delay).toBeLessThanOrEqual(500);
    expect(events[1]?.delay).toBeGreaterThanOrEqual(750);
    expect(events[1]?.delay).toBeLessThanOrEqual(1000);
    const gaps = requestsTo(sim, creditPath).map(
      (request, i, all) => request.at - (all[i - 1]?.at ?? request.at),
    );
    expect(gaps[1]).toBeGreaterThanOrEqual((events[0]?.delay ?? 0) - 5);
  });

  it('retries a 429 after Retry-After seconds', async () => {
    const { sim, suno } = await setup({ credits: 3 });
    const events = recordRetries(suno);
    sim.fail('credit', { status: 429, retryAfter: 1 });
    expect(await suno.credits()).toBe(3);
    expect(events).toHaveLength(1);
    expect(events[0]?.delay).toBe(1000);
    expect(events[0]?.error).toBeInstanceOf(RateLimitError);
    const [first, second] = requestsTo(sim, creditPath);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(990);
  });

  it('honours Retry-After given as an HTTP date', async () => {
    const { sim, suno } = await setup({ credits: 3 });
    const events = recordRetries(suno);
    sim.fail('credit', { code: 455, retryAfter: new Date(Date.now() + 1500).toUTCString() });
    expect(await suno.credits()).toBe(3);
    expect(events[0]?.delay).toBeGreaterThan(0);
    expect(events[0]?.delay).toBeLessThanOrEqual(1500);
  });

  it('fails at once with retryAfter when the host asks to wait longer than maxRetryAfter', async () => {
    const { sim, suno } = await setup();
    const events = recordRetries(suno);
    sim.fail('credit', { status: 503, retryAfter: 120 });
    const error = await rejection(suno.credits());
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as ServiceUnavailableError).retryAfter).toBe(120_000);
    expect(events).toHaveLength(0);
    expect(requestsTo(sim, '/api/v1/generate/credit')).toHaveLength(1);
  });

  it('waits out a long Retry-After when maxRetryAfter allows it', async () => {
    const { sim, suno } = await setup({}, { maxRetryAfter: 3_600_000 });
    const events = recordRetries(suno);
    const controller = new AbortController();
    suno.on('retry', () => controller.abort(new Error('stop waiting')));
    sim.fail('credit', { code: 429, retryAfter: 3600 });
    await rejection(suno.credits({ signal: controller.signal }));
    expect(events[0]?.delay).toBe(3_600_000);
  });

  it('rejects a maxRetryAfter that is not a duration', () => {
    expect(() => new SunoCover({ apiKey: 'k', maxRetryAfter: -1 })).toThrow(
      /`maxRetryAfter` must be a number of milliseconds from 0/,
    );
  });

  it.each<[string, SimulatorFault]>([
    ['HTTP 200 with body code 429', { code: 429 }],
    ['HTTP 200 with body code 430', { code: 430 }],
    ['HTTP 200 with body code 408', { code: 408 }],
    ['HTTP 200 with body code 455', { code: 455 }],
    ['HTTP 200 with body code 500', { code: 500 }],
    ['HTTP 200 with body code 503', { code: 503 }],
    ['HTTP 502 with an HTML page', { status: 502, body: '<html>bad gateway</html>' }],
    ['HTTP 408', { status: 408, body: '' }],
    ['a reset connection', { reset: true }],
  ])('retries %s', async (_name, fault) => {
    const { sim, suno } = await setup({ credits: 9 }, { maxRetries: 1 });
    sim.fail('credit', {
      ...fault,
      retryAfter: fault.body === undefined && !fault.reset ? 0 : undefined,
    });
    expect(await suno.credits()).toBe(9);
    expect(requestsTo(sim, creditPath).length).toBe(2);
  });

  it.each([400, 401, 402, 404, 409, 422, 501, 505])('never retries body code %i', async (code) => {
    const { sim, suno } = await setup();
    const events = recordRetries(suno);
    sim.fail('credit', { code });
    await rejection(suno.credits());
    expect(requestsTo(sim, creditPath)).toHaveLength(1);
    expect(events).toHaveLength(0);
  });

  it('does not retry HTTP 500 whose body code is 422: the body code decides', async () => {
    const { sim, suno } = await setup();
    sim.fail('credit', { status: 500, code: 422 });
    await rejection(suno.credits());
    expect(requestsTo(sim, creditPath)).toHaveLength(1);
  });

  it('gives up after maxRetries and throws the last error', async () => {
    const { sim, suno } = await setup({}, { maxRetries: 2 });
    sim.fail('credit', { code: 500, retryAfter: 0, times: 5 });
    const error = await rejection(suno.credits());
    expect(error).toBeInstanceOf(ServerError);
    expect(requestsTo(sim, creditPath)).toHaveLength(3);
  });

  it('lets maxRetries: 0 turn retries off per call', async () => {
    const { sim, suno } = await setup();
    sim.fail('credit', { code: 500, retryAfter: 0 });
    await rejection(suno.credits({ maxRetries: 0 }));
    expect(requestsTo(sim, creditPath)).toHaveLength(1);
  });

  it('retries generate safely: a repeat after a lost answer returns the same task as existing', async () => {
    const { sim, suno } = await setup();
    const first = await suno.covers.generate({ taskId: 'music-1' });
    sim.fail('generate', { code: 500, retryAfter: 0 });
    const again = await suno.covers.generate({ taskId: 'music-1' });
    expect(again).toMatchObject({ taskId: first.taskId, existing: true });
    expect(requestsTo(sim, '/api/v1/suno/cover/generate')).toHaveLength(3);
  });
});

describe('abort', () => {
  it('rejects with the signal reason when aborted mid-request', async () => {
    const { sim, suno } = await setup();
    sim.fail('credit', { hang: true });
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    setTimeout(() => controller.abort(reason), 50);
    expect(await rejection(suno.credits({ signal: controller.signal }))).toBe(reason);
    expect(requestsTo(sim, creditPath)).toHaveLength(1);
  });

  it('rejects with the signal reason when aborted during the backoff, and sends no more requests', async () => {
    const { sim, suno } = await setup();
    sim.fail('credit', { code: 500, retryAfter: 30 });
    const controller = new AbortController();
    suno.on('retry', () => setTimeout(() => controller.abort('stop'), 20));
    const started = Date.now();
    expect(await rejection(suno.credits({ signal: controller.signal }))).toBe('stop');
    expect(Date.now() - started).toBeLessThan(5_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(requestsTo(sim, creditPath)).toHaveLength(1);
  });

  it('rejects at once with the reason of an already aborted signal, sending nothing', async () => {
    const { sim, suno } = await setup();
    const reason = new DOMException('gone', 'AbortError');
    expect(await rejection(suno.credits({ signal: AbortSignal.abort(reason) }))).toBe(reason);
    expect(sim.requests).toHaveLength(0);
  });
});
