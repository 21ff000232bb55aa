/**
What a malicious or broken host (as `baseUrl`) can make the client spend: time, memory,
timers, secrets and requests to other origins. Each bound is asserted over real sockets.
*/
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import { inspect, promisify } from 'node:util';
import {
  ApiError,
  AuthenticationError,
  InvalidArgumentError,
  RequestTimeoutError,
  ResponseValidationError,
  SunoCover,
} from 'suno-cover';
import { afterEach, describe, expect, it } from 'vitest';
import { listen, rejection, requestsTo, setup } from './helpers.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const recordInfoPath = '/api/v1/suno/cover/record-info';

const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);
process.on('warning', onWarning);
afterEach(() => {
  warnings.length = 0;
});

describe('the request timeout', () => {
  it('bounds a body that trickles one byte at a time, even with garbage collections', async () => {
    // In a child process with --expose-gc, against the built package: a GC between the
    // headers and the body once let the abort chain be collected and the call ran for 30 s.
    const { sim } = await setup();
    const script = `
      import { SunoCover } from ${JSON.stringify(`${root}dist/index.js`)};
      const suno = new SunoCover({ apiKey: ${JSON.stringify(sim.apiKey)}, baseUrl: ${JSON.stringify(sim.url)}, timeout: 500, maxRetries: 0 });
      const gc = setInterval(() => globalThis.gc(), 20);
      const times = [];
      for (let i = 0; i < 3; i++) {
        const started = Date.now();
        const error = await suno.credits().catch((error) => error);
        times.push([error.name, Date.now() - started]);
      }
      clearInterval(gc);
      console.log(JSON.stringify(times));
    `;
    sim.fail('credit', { trickle: 100, times: 3 });
    const { stdout } = await run(
      process.execPath,
      ['--expose-gc', '--input-type=module', '-e', script],
      { timeout: 15_000 },
    );
    const times = JSON.parse(stdout) as [string, number][];
    for (const [name, elapsed] of times) {
      expect(name).toBe('RequestTimeoutError');
      // The body would take 4 s to arrive; the timeout is 0.5 s.
      expect(elapsed).toBeLessThan(2_500);
    }
  });

  it('keeps polling when every poll slot was taken by a stalled body', async () => {
    const { sim, suno } = await setup(
      { pendingMs: 20, generatingMs: 20 },
      { pollInterval: 100, timeout: 300, maxConcurrentPolls: 4, maxPollsPerSecond: 50 },
    );
    const tasks = await Promise.all(
      ['m1', 'm2', 'm3', 'm4'].map((taskId) => suno.covers.generate({ taskId })),
    );
    sim.fail('record-info', { trickle: 1_000, times: 4 });
    const results = await Promise.all(tasks.map((task) => task.wait({ timeout: 10_000 })));
    expect(results.every((result) => result.images.length === 2)).toBe(true);
  });
});

describe('the response size cap', () => {
  it('stops an endless body at maxResponseBytes with ResponseValidationError', async () => {
    const { sim, suno } = await setup({}, { maxRetries: 0 });
    sim.fail('credit', { endless: true });
    const before = process.memoryUsage().rss;
    const error = await rejection(suno.credits());
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as Error).message).toMatch(/the body is larger than 1048576 bytes/);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses a declared 300 MB body without reading it', async () => {
    const { sim } = await setup();
    const suno = new SunoCover({ ...sim.clientOptions, maxResponseBytes: 4096, maxRetries: 0 });
    sim.fail('credit', { headers: { 'content-length': String(300 * 1024 * 1024) }, trickle: 10 });
    const error = await rejection(suno.credits());
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as Error).message).toMatch(/larger than 4096 bytes/);
  });

  it('rejects a maxResponseBytes that is not a positive number', () => {
    expect(() => new SunoCover({ apiKey: 'k', maxResponseBytes: 0 })).toThrow(
      /`maxResponseBytes` must be a number from 1/,
    );
  });
});

describe('Retry-After on a poll', () => {
  it('pauses polling for at most maxRetryAfter, with no timer overflow', async () => {
    const { sim, suno } = await setup(
      { pendingMs: 20, generatingMs: 20 },
      { pollInterval: 100, maxRetryAfter: 300 },
    );
    sim.scenario('music-1', { callback: 'drop' });
    const task = await suno.covers.generate({ taskId: 'music-1' });
    sim.fail('record-info', { code: 429, retryAfter: 999_999_999 });
    const result = await task.wait({ timeout: 5_000 });
    expect(result.source).toBe('poll');
    expect(requestsTo(sim, recordInfoPath).length).toBeGreaterThanOrEqual(2);
    expect(warnings.filter((warning) => warning.name === 'TimeoutOverflowWarning')).toEqual([]);
  });
});

describe('trackTimeout', () => {
  it('fires while a 429 has paused polling', async () => {
    const { sim, suno } = await setup(
      { pendingMs: 60_000 },
      { pollInterval: 100, trackTimeout: 300, maxRetryAfter: 60_000 },
    );
    sim.fail('record-info', { code: 429, retryAfter: 3_600, times: 100 });
    const timeouts: string[] = [];
    suno.on('timeout', (event) => timeouts.push(event.taskId));
    const task = await suno.covers.generate({ taskId: 'music-1' });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(timeouts).toEqual([task.taskId]);
    expect(suno.stats.tracked).toBe(0);
    // One poll met the 429; none ran while paused.
    expect(requestsTo(sim, recordInfoPath)).toHaveLength(1);
    suno.close();
  });

  it('fires with pollingMode callback-only, where nothing polls', async () => {
    const { suno } = await setup({}, { pollingMode: 'callback-only', trackTimeout: 200 });
    const timeouts: string[] = [];
    suno.on('timeout', (event) => timeouts.push(event.taskId));
    const task = await suno.covers.generate({ taskId: 'music-1' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(timeouts).toEqual([task.taskId]);
    expect(suno.stats.tracked).toBe(0);
  });
});

describe('secrets in what a host sends back', () => {
  it('redacts the key from an error whose msg echoes the Authorization header', async () => {
    const apiKey = 'sk-echoed-0123456789';
    const { sim } = await setup({ apiKey });
    const suno = new SunoCover({ apiKey, baseUrl: sim.url });
    sim.fail('credit', { code: 401, msg: `Invalid Authorization: Bearer ${apiKey} (${apiKey})` });
    const error = await rejection(suno.credits());
    expect(error).toBeInstanceOf(AuthenticationError);
    const everything = [
      (error as Error).message,
      (error as Error).stack,
      JSON.stringify((error as ApiError).body),
      inspect(error, { depth: 10 }),
    ].join('\n');
    expect(everything).not.toContain(apiKey);
    expect((error as ApiError).msg).toBe('Invalid Authorization: Bearer [redacted] ([redacted])');
  });

  it('never shows the callback token in inspect, JSON or an invalid-URL message', async () => {
    const token = 'tok-secret-abcdef123';
    const { suno } = await setup({}, { callbackToken: token });
    const task = await suno.covers.generate({
      taskId: 'music-1',
      callBackUrl: `https://example.com/hook?token=${token}&x=1`,
    });
    expect(task.callbackUrl).toContain(token);
    expect(inspect(task)).not.toContain(token);
    expect(inspect(task)).toContain('token=[redacted]');
    expect(JSON.stringify(task)).not.toContain(token);
    expect(inspect(suno, { depth: 5 })).not.toContain(token);
    const error = await rejection(
      suno.covers.generate({ taskId: 'music-2', callBackUrl: `not a url?token=${token}` }),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).not.toContain(token);
    suno.close();
  });
});

describe('what redaction must not touch', () => {
  it('returns image URLs that carry a token= of their own unchanged', async () => {
    const { sim, suno } = await setup({}, { callbackToken: 'tok-0123456789abcdef' });
    const image = 'https://cdn.example/c.png?alt=media&token=abc-123';
    sim.fail('record-info', {
      body: JSON.stringify({
        code: 200,
        msg: 'success',
        data: { taskId: 'c-1', successFlag: 1, response: { images: [image] } },
      }),
    });
    expect((await suno.covers.get('c-1')).images).toEqual([image]);
  });

  it('redacts a short key only where it stands alone in host text', async () => {
    const { sim } = await setup({ apiKey: 'k7' });
    const suno = new SunoCover({ apiKey: 'k7', baseUrl: sim.url });
    sim.fail('credit', { code: 401, msg: 'bad key k7 (k7x, xk7)' });
    const error = await rejection(suno.credits());
    expect((error as ApiError).msg).toBe('bad key [redacted] (k7x, xk7)');
  });

  it('keeps no request details of a custom fetch in a ConnectionError cause', async () => {
    const suno = new SunoCover({
      apiKey: 'sk-custom-fetch-0123456789',
      baseUrl: 'http://127.0.0.1:1',
      maxRetries: 0,
      fetch: async (request) => {
        // A wrapper that attaches what it sent to its error, as got and axios do.
        throw Object.assign(new Error('socket hang up'), {
          code: 'ECONNRESET',
          options: { headers: Object.fromEntries(request.headers) },
        });
      },
    });
    const error = await rejection(suno.credits());
    expect(inspect(error, { depth: 10 })).not.toContain('sk-custom-fetch-0123456789');
    expect(((error as Error).cause as { code?: string }).code).toBe('ECONNRESET');
  });
});

describe('redirects', () => {
  it.each([301, 302, 303, 307, 308])(
    'refuses a %i to another origin, which receives nothing',
    async (status) => {
      const seen: IncomingMessage[] = [];
      const elsewhere = await listen(
        createServer((req, res) => {
          seen.push(req);
          res.end('{"code":200,"msg":"success","data":{"taskId":"x"}}');
        }),
      );
      const { sim } = await setup();
      const suno = new SunoCover({
        ...sim.clientOptions,
        headers: { 'x-custom-secret': 'do-not-forward' },
      });
      sim.fail('generate', {
        status,
        headers: { location: `${elsewhere}?token=abc` },
      });
      const error = await rejection(
        suno.covers.generate({ taskId: 'music-1', callBackUrl: 'https://example.com/h?token=t' }),
      );
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(status);
      expect((error as Error).message).toMatch(
        /redirect to http:\/\/127\.0\.0\.1:\d+\/hook, which the SDK refuses: .* check `baseUrl`/,
      );
      expect((error as Error).message).not.toContain('token=abc');
      expect(seen).toHaveLength(0);
      // Not retried: a redirect does not heal.
      expect(requestsTo(sim, '/api/v1/suno/cover/generate')).toHaveLength(1);
      suno.close();
    },
  );
});

it('keeps RequestTimeoutError for a host that never answers', async () => {
  const { sim } = await setup();
  const suno = new SunoCover({ ...sim.clientOptions, timeout: 100, maxRetries: 0 });
  sim.fail('credit', { hang: true });
  expect(await rejection(suno.credits())).toBeInstanceOf(RequestTimeoutError);
});
