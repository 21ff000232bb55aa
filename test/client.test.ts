import { inspect } from 'node:util';
import { InvalidArgumentError, SunoCover, SunoCoverError, signCoverCallback } from 'suno-cover';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rejection, setup } from './helpers.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('new SunoCover()', () => {
  it('names both ways to give the key when the first request finds it missing', async () => {
    vi.stubEnv('SUNO_API_KEY', '');
    const suno = new SunoCover();
    await expect(suno.credits()).rejects.toThrow(InvalidArgumentError);
    await expect(suno.covers.get('t')).rejects.toThrow(
      /pass \{ apiKey \} to new SunoCover\(\) or set the SUNO_API_KEY environment variable/,
    );
    await expect(new SunoCover({ apiKey: '  ' }).credits()).rejects.toThrow(/got an empty string/);
  });

  it('needs no key to be created, nor to receive and verify callbacks', async () => {
    vi.stubEnv('SUNO_API_KEY', '');
    const webhookSecret = 'whsec-receiver-only-0123456789';
    const suno = new SunoCover({ webhookSecret });
    const body = JSON.stringify({
      code: 200,
      msg: 'success',
      data: { taskId: 'task-no-key', images: ['https://cdn.example/a.png'] },
    });
    const signed = await signCoverCallback({ taskId: 'task-no-key', secret: webhookSecret });
    const url = 'https://app.example/callback';
    const received = new Promise((resolve) => suno.once('succeeded', resolve));
    const answer = await suno.callbacks.handle(
      new Request(url, {
        method: 'POST',
        headers: { ...signed, 'content-type': 'application/json' },
        body,
      }),
    );
    expect(answer.status).toBe(200);
    expect(await received).toMatchObject({ taskId: 'task-no-key', source: 'callback' });
    const forged = await suno.callbacks.handle(
      new Request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }),
    );
    expect(forged.status).toBe(401);
    suno.close();
  });

  it('reads the key and base URL from SUNO_API_KEY and SUNO_BASE_URL', async () => {
    const { sim } = await setup({ credits: 11 });
    vi.stubEnv('SUNO_API_KEY', sim.apiKey);
    vi.stubEnv('SUNO_BASE_URL', `${sim.url}/`);
    const suno = new SunoCover();
    expect(suno.baseUrl).toBe(sim.url);
    expect(await suno.credits()).toBe(11);
    expect(sim.requests[0]?.authorized).toBe(true);
  });

  it('defaults to sunoapi.org', () => {
    vi.stubEnv('SUNO_BASE_URL', '');
    expect(new SunoCover({ apiKey: 'k' }).baseUrl).toBe('https://api.sunoapi.org');
  });

  it.each([
    [{ baseUrl: 'api.sunoapi.org' }, /`baseUrl` is not a valid absolute URL/],
    [{ baseUrl: 'file:///etc' }, /`baseUrl` must be an http\(s\) URL/],
    [{ callbackUrl: '/relative' }, /`callbackUrl` is not a valid absolute URL/],
    [{ timeout: 0 }, /`timeout` must be a number of milliseconds/],
    [{ timeout: Number.NaN }, /`timeout` must be a number/],
    [{ pollInterval: 10 }, /`pollInterval` must be a number of milliseconds from 100/],
    [{ maxRetries: -1 }, /`maxRetries` must be an integer from 0 to 10/],
    [{ maxRetries: 1.5 }, /`maxRetries` must be an integer/],
    [{ fetch: 'fetch' }, /`fetch` must be a function/],
    [{ headers: { 'x-a': 1 } }, /Header "x-a" must have a string value/],
    [{ webhookSecret: '' }, /`webhookSecret` must be a non-empty string/],
  ])('rejects the option %j with a message that says what is wrong', (options, message) => {
    const make = () => new SunoCover({ apiKey: 'k', ...(options as object) });
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(message);
  });

  it('sends custom headers and calls a custom fetch unbound', async () => {
    const { sim } = await setup({ credits: 4 });
    const seen: { self: unknown; header: string | null }[] = [];
    const suno = new SunoCover({
      apiKey: sim.apiKey,
      baseUrl: sim.url,
      headers: { 'x-request-source': 'tests' },
      fetch: function (this: unknown, input, init) {
        seen.push({ self: this, header: input.headers.get('x-request-source') });
        return fetch(input, init);
      },
    });
    expect(await suno.credits()).toBe(4);
    expect(seen).toEqual([{ self: undefined, header: 'tests' }]);
  });
});

describe('secrets', () => {
  const apiKey = 'sk-live-SECRET-KEY-0123456789';
  const webhookSecret = 'whsec-SECRET-HMAC-abcdef';

  it('never puts the API key or webhook secret in a serialised client, an error or an event', async () => {
    const { sim } = await setup({ credits: 1 });
    const suno = new SunoCover({ apiKey, webhookSecret, baseUrl: sim.url, maxRetries: 1 });
    const seen: unknown[] = [];
    suno.on('retry', (event) => seen.push(event));
    sim.fail('credit', { code: 500, retryAfter: 0 });
    const errors = [
      await rejection(suno.credits()), // 500 retried, then 401: the key is wrong for the simulator
      await rejection(suno.covers.get('x')),
      await rejection(
        new SunoCover({ apiKey, baseUrl: 'http://127.0.0.1:1', maxRetries: 0 }).credits(),
      ),
    ];
    expect(errors.every((error) => error instanceof SunoCoverError)).toBe(true);
    expect(seen).toHaveLength(1);
    const dump = [
      JSON.stringify(suno),
      inspect(suno, { depth: 10, showHidden: true }),
      ...errors.flatMap((error) => [
        inspect(error, { depth: 10, showHidden: true }),
        JSON.stringify(error),
        String(error),
      ]),
      ...seen.map((event) => inspect(event, { depth: 10, showHidden: true })),
    ].join('\n');
    expect(dump).not.toContain(apiKey);
    expect(dump).not.toContain(webhookSecret);
    expect(dump).toContain('AuthenticationError');
    expect(JSON.parse(JSON.stringify(suno))).toMatchObject({
      baseUrl: sim.url,
      apiKey: '[redacted]',
    });
  });
});
