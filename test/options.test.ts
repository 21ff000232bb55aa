import { createServer } from 'node:net';
import {
  InvalidArgumentError,
  NO_CALLBACK_URL,
  parseCoverCallback,
  SunoCover,
  signCoverCallback,
  verifyCoverCallback,
} from 'suno-cover';
import { describe, expect, it } from 'vitest';
import { rejection, requestsTo, setup } from './helpers.js';

const generatePath = '/api/v1/suno/cover/generate';

describe('per-call options', () => {
  it.each<[string, unknown, RegExp]>([
    ['a negative maxRetries', { maxRetries: -1 }, /`maxRetries` must be an integer from 0 to 10/],
    ['a fractional maxRetries', { maxRetries: 0.5 }, /`maxRetries` must be an integer/],
    ['a string signal', { signal: 'x' }, /`signal` must be an AbortSignal/],
    ['a negative timeout', { timeout: -1 }, /`timeout` must be a number of milliseconds from 1/],
    ['a zero timeout', { timeout: 0 }, /`timeout` must be a number of milliseconds/],
    ['a string timeout', { timeout: '5' }, /`timeout` must be a number of milliseconds.*"5"/],
    ['a timeout past the timer limit', { timeout: 2 ** 31 }, /to 2147483647/],
    ['an unknown key', { retries: 1 }, /unknown option `retries`/],
    ['a misspelt key', { timout: 5 }, /unknown option `timout`: did you mean `timeout`\?/],
    ['a string in place of the object', 'fast', /takes an options object/],
    ['null', null, /takes an options object/],
  ])('rejects %s with InvalidArgumentError and sends nothing', async (_, options, message) => {
    const { sim, suno } = await setup();
    const calls = [
      () => suno.credits(options as never),
      () => suno.covers.get('cover-1', options as never),
      () => suno.covers.generate({ taskId: 'music-1' }, options as never),
    ];
    for (const call of calls) {
      const error = await rejection(call());
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toMatch(message);
    }
    expect(sim.requests).toHaveLength(0);
    expect(suno.stats.tracked).toBe(0);
  });

  it('names the method whose options were wrong', async () => {
    const { suno } = await setup();
    await expect(suno.covers.get('c', { timeout: -1 })).rejects.toThrow(/^covers\.get\(\)/);
    await expect(suno.credits({ foo: 1 } as never)).rejects.toThrow(/^suno\.credits\(\)/);
  });
});

describe('wait options', () => {
  it.each<[string, unknown, RegExp]>([
    ['a string timeout', { timeout: '5' }, /`timeout` must be a number of milliseconds/],
    ['a negative timeout', { timeout: -5 }, /`timeout` must be a number of milliseconds/],
    ['NaN', { timeout: Number.NaN }, /`timeout` must be a number/],
    ['a string signal', { signal: {} }, /`signal` must be an AbortSignal/],
    ['an unknown key', { timeoutMs: 5 }, /unknown option `timeoutMs`: did you mean `timeout`\?/],
  ])('rejects %s at once instead of waiting forever', async (_, options, message) => {
    const { suno } = await setup();
    const task = await suno.covers.generate({ taskId: 'music-1' });
    const error = await rejection(task.wait(options as never));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/^task\.wait\(options\)/);
    expect((error as Error).message).toMatch(message);
    suno.close();
  });

  it('checks generateAndWait options before anything is submitted', async () => {
    const { sim, suno } = await setup();
    const error = await rejection(
      suno.covers.generateAndWait({ taskId: 'music-1' }, { timeout: '5' } as never),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(requestsTo(sim, generatePath)).toHaveLength(0);
    expect(sim.credits).toBe(100);
  });

  it('still takes Infinity as a timeout', async () => {
    const { suno } = await setup({}, { pollInterval: 100 });
    const task = await suno.covers.generate({ taskId: 'music-1' });
    expect((await task.wait({ timeout: Number.POSITIVE_INFINITY })).images).toHaveLength(2);
  });
});

describe('unknown keys', () => {
  it.each<[object, RegExp]>([
    [{ pollIntervall: 1000 }, /unknown option `pollIntervall`: did you mean `pollInterval`\?/],
    [{ apikey: 'k2' }, /unknown option `apikey`: did you mean `apiKey`\?/],
    [{ webhookSecrets: 'x' }, /did you mean `webhookSecret`\?/],
    [{ callbackURL: 'https://e.com' }, /did you mean `callbackUrl`\?/],
    [{ zzzzzzzzzz: 1 }, /unknown option `zzzzzzzzzz` \(known: apiKey, baseUrl/],
    [
      { recentOutcomes: { maxsize: 5 } },
      /`recentOutcomes` has an unknown option `maxsize`: did you mean `maxSize`\?/,
    ],
    [
      { submitRate: { limits: 5 } },
      /`submitRate` has an unknown option `limits`: did you mean `limit`\?/,
    ],
    [{ submitRate: 5 }, /`submitRate` must be an object \{ limit, interval \}/],
  ])('refuses the client option %j with a suggestion', (options, message) => {
    const make = () => new SunoCover({ apiKey: 'k', ...options } as never);
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(message);
  });

  it('refuses unknown keys of generate, the receiver and the standalone helpers', async () => {
    const { sim, suno } = await setup();
    await expect(suno.covers.generate({ taskId: 'm', callbackurl: 'x' } as never)).rejects.toThrow(
      /covers\.generate\(params\) has an unknown option `callbackurl`: did you mean `callBackUrl`\?/,
    );
    await expect(
      suno.callbacks.handle(new Request('http://localhost/', { method: 'POST' }), {
        waituntil: () => {},
      } as never),
    ).rejects.toThrow(/did you mean `waitUntil`\?/);
    expect(() => parseCoverCallback('{}', { maxByte: 5 } as never)).toThrow(
      /did you mean `maxBytes`\?/,
    );
    await expect(
      verifyCoverCallback({ taskId: 't', headers: {}, secret: 's', tolerence: 5 } as never),
    ).rejects.toThrow(/did you mean `tolerance`\?/);
    await expect(signCoverCallback({ taskId: 't', secret: 's', time: 5 } as never)).rejects.toThrow(
      InvalidArgumentError,
    );
    expect(sim.requests).toHaveLength(0);
  });
});

describe('the callback URL, in either spelling', () => {
  it.each([
    ['callbackUrl', 'callBackUrl'],
    ['callBackUrl', 'callbackUrl'],
  ])('takes %s on the client and %s on generate', async (clientKey, callKey) => {
    const { sim, suno } = await setup({}, { [clientKey]: 'https://example.com/client' });
    await suno.covers.generate({ taskId: 'music-1' });
    await suno.covers.generate({ taskId: 'music-2', [callKey]: 'https://example.com/call' });
    const sent = requestsTo(sim, generatePath).map(
      (request) => (request.body as { callBackUrl: string }).callBackUrl,
    );
    expect(sent).toEqual(['https://example.com/client', 'https://example.com/call']);
    suno.close();
  });

  it('refuses both spellings with different values', async () => {
    expect(
      () =>
        new SunoCover({
          apiKey: 'k',
          callbackUrl: 'https://a.example',
          callBackUrl: 'https://b.example',
        }),
    ).toThrow(/both `callbackUrl` and `callBackUrl`/);
    const { suno } = await setup();
    await expect(
      suno.covers.generate({
        taskId: 'm',
        callbackUrl: 'https://a.example',
        callBackUrl: 'https://b.example',
      }),
    ).rejects.toThrow(InvalidArgumentError);
  });

  it('reads the no-callback placeholder as null on the task and in covers.get()', async () => {
    const { sim, suno } = await setup();
    const task = await suno.covers.generate({ taskId: 'music-1' });
    expect(
      (requestsTo(sim, generatePath)[0]?.body as { callBackUrl?: string } | undefined)?.callBackUrl,
    ).toBe(NO_CALLBACK_URL);
    expect(task.callbackUrl).toBeNull();
    expect((await suno.covers.get(task.taskId)).callbackUrl).toBeNull();
    suno.close();
  });
});

describe('baseUrl', () => {
  it.each([
    'https://api.sunoapi.org/api/v1',
    'https://api.sunoapi.org/api/v1/',
    'https://api.kie.ai/api',
    'https://proxy.example.com/suno/api/v1/suno/cover',
  ])('refuses %s, which holds the API path, and says to drop it', (baseUrl) => {
    const make = () => new SunoCover({ apiKey: 'k', baseUrl });
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(/must not include the API's path .* so use "https:\/\/[a-z.]+"/);
  });

  it('refuses a query or a fragment', () => {
    expect(() => new SunoCover({ apiKey: 'k', baseUrl: 'https://api.sunoapi.org/?x=1' })).toThrow(
      /must not have a query or fragment/,
    );
  });

  it('keeps the path prefix of a proxy', async () => {
    const { sim } = await setup();
    const suno = new SunoCover({ apiKey: sim.apiKey, baseUrl: `${sim.url}/proxy` });
    await rejection(suno.credits({ maxRetries: 0 }));
    expect(sim.requests[0]?.path).toBe('/proxy/api/v1/generate/credit');
  });

  it('names the host it could not reach', async () => {
    const port = await closedPort();
    const suno = new SunoCover({ apiKey: 'k', baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0 });
    await expect(suno.credits()).rejects.toThrow(
      new RegExp(`could not reach 127\\.0\\.0\\.1:${port}: fetch failed \\(ECONNREFUSED\\)`),
    );
  });
});

describe('header values', () => {
  it.each(['key\nX-Evil: 1', 'key\r\nx', 'key\u0000', 'kéy', 'key with space', 'ключ'])(
    'refuses an API key with a forbidden character at construction, without echoing it (%j)',
    (apiKey) => {
      const make = () => new SunoCover({ apiKey });
      expect(make).toThrow(InvalidArgumentError);
      expect(make).toThrow(/`apiKey` holds a character an API key cannot have/);
      try {
        make();
      } catch (error) {
        expect((error as Error).message).not.toContain(apiKey.trim());
      }
    },
  );

  it.each(['v\r\nX-Evil: 1', 'v\n', 'v\u0000', 'v\u0100'])(
    'refuses a header value %j without echoing it',
    (value) => {
      const make = () => new SunoCover({ apiKey: 'k', headers: { 'x-secret': value } });
      expect(make).toThrow(/Header "x-secret" has a line break, NUL or other character/);
    },
  );

  it('refuses an invalid header name', () => {
    expect(() => new SunoCover({ apiKey: 'k', headers: { 'bad name': 'v' } })).toThrow(
      /invalid header name/,
    );
  });
});

/** A port on 127.0.0.1 that nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
