/**
Callback URLs a host can reach. With a public `baseUrl`, a callback URL that no public host
can reach is refused before anything is sent (the client's `fetch` would throw if it were
called, so no network is needed); with the simulator as `baseUrl` (a local host), the same
URLs are sent.
*/
import { InvalidArgumentError, NO_CALLBACK_URL, SunoCover } from 'suno-cover';
import { describe, expect, it } from 'vitest';
import { rejection, requestsTo, setup } from './helpers.js';

/** Refused with a public baseUrl, and why (a part of the message). */
const unreachable: [string, RegExp][] = [
  ['http://localhost:3000/hook', /localhost/],
  ['http://app.localhost/hook', /localhost/],
  ['http://127.0.0.1:8080/hook', /127\.0\.0\.0\/8/],
  ['http://127.1/hook', /127\.0\.0\.0\/8/],
  ['http://2130706433/hook', /127\.0\.0\.0\/8/],
  ['http://0x7f.0.0.1/hook', /127\.0\.0\.0\/8/],
  ['http://0.0.0.0/hook', /0\.0\.0\.0\/8/],
  ['http://10.1.2.3/hook', /10\.0\.0\.0\/8/],
  ['http://172.16.5.4/hook', /172\.16\.0\.0\/12/],
  ['http://172.31.255.255/hook', /172\.16\.0\.0\/12/],
  ['https://192.168.1.20/hook', /192\.168\.0\.0\/16/],
  ['http://169.254.169.254/latest', /169\.254\.0\.0\/16/],
  ['http://100.64.0.1/hook', /100\.64\.0\.0\/10/],
  ['http://[::1]:3000/hook', /::1\/128/],
  ['http://[::]/hook', /::\/96/],
  ['http://[fd12:3456:789a::1]/hook', /fc00::\/7/],
  ['http://[fe80::1]/hook', /fe80::\/10/],
  ['http://[::ffff:192.168.0.1]/hook', /inside 192\.168\.0\.0\/16/],
  ['http://[::ffff:7f00:1]/hook', /inside 127\.0\.0\.0\/8/],
  ['http://[64:ff9b::10.0.0.1]/hook', /inside 10\.0\.0\.0\/8/],
  ['http://[2002:c0a8:0101::1]/hook', /inside 192\.168\.0\.0\/16/],
  ['https://printer.local/hook', /\.local name/],
  ['https://api.internal/hook', /\.internal name/],
  ['https://nas.home.arpa/hook', /\.home\.arpa name/],
  ['http://receiver:8080/hook', /without a dot/],
];

/** Accepted with a public baseUrl. */
const reachable = [
  'https://example.com/api/suno-cover?token=abc',
  'http://8.8.8.8/hook',
  'https://172.32.0.1/hook',
  'https://192.169.0.1/hook',
  'https://[2606:4700:4700::1111]/hook',
  'http://[::ffff:8.8.8.8]/hook',
  'https://hooks.example.org./cover',
];

const noNetwork = () => {
  throw new Error('nothing may be sent');
};

describe('callback URLs a public host cannot reach', () => {
  it.each(unreachable)(
    'refuses %s in covers.generate() with a public baseUrl, sending nothing',
    async (callBackUrl, why) => {
      let sent = 0;
      const suno = new SunoCover({
        apiKey: 'k',
        baseUrl: 'https://api.kie.ai',
        fetch: () => {
          sent++;
          return noNetwork();
        },
      });
      const error = await rejection(suno.covers.generate({ taskId: 'music-1', callBackUrl }));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      const { message } = error as Error;
      expect(message).toMatch(why);
      expect(message).toMatch(/api\.kie\.ai cannot reach/);
      expect(message).toMatch(/public URL.*tunnel.*no callback URL.*polling/);
      expect(message).toMatch(/allowPrivateCallbackUrl: true/);
      expect(sent).toBe(0);
      expect(suno.stats.tracked).toBe(0);
    },
  );

  it.each(unreachable)('refuses %s as the client callbackUrl with a public baseUrl', (url) => {
    expect(() => new SunoCover({ apiKey: 'k', callbackUrl: url })).toThrow(
      expect.objectContaining({
        name: 'InvalidArgumentError',
        message: expect.stringMatching(
          /^new SunoCover\(options\): .*api\.sunoapi\.org cannot reach/,
        ),
      }),
    );
  });

  it('names the host only, never the path or query that may hold a token', async () => {
    const suno = new SunoCover({ apiKey: 'k', baseUrl: 'https://api.kie.ai', fetch: noNetwork });
    const error = await rejection(
      suno.covers.generate({
        taskId: 'music-1',
        callBackUrl: 'http://localhost:3000/secret-path?token=tok_supersecret',
      }),
    );
    expect((error as Error).message).toMatch(/host localhost:3000 is localhost/);
    expect((error as Error).message).not.toMatch(/supersecret|secret-path/);
  });

  it.each(reachable)('sends %s with a public baseUrl', async (callBackUrl) => {
    const { sim } = await setup();
    sim.scenario('music-1', { callback: 'drop' });
    const suno = new SunoCover({
      apiKey: sim.apiKey,
      baseUrl: 'https://api.sunoapi.org',
      pollingMode: 'callback-only',
      // What the real host would get goes to the simulator, over a real socket.
      fetch: async (request) =>
        fetch(`${sim.url}${new URL(request.url).pathname}`, {
          method: 'POST',
          headers: request.headers,
          body: await request.text(),
        }),
    });
    await suno.covers.generate({ taskId: 'music-1', callBackUrl });
    const [request] = requestsTo(sim, '/api/v1/suno/cover/generate');
    const sentUrl = (request?.body as { callBackUrl?: string } | undefined)?.callBackUrl ?? '';
    expect(new URL(sentUrl).host).toBe(new URL(callBackUrl).host);
    suno.close();
  });

  it('still sends the SDK placeholder when no callback URL is given', async () => {
    const { sim } = await setup();
    const suno = new SunoCover({
      apiKey: sim.apiKey,
      baseUrl: 'https://api.kie.ai',
      pollingMode: 'callback-only',
      fetch: async (request) =>
        fetch(`${sim.url}${new URL(request.url).pathname}`, {
          method: 'POST',
          headers: request.headers,
          body: await request.text(),
        }),
    });
    const task = await suno.covers.generate({ taskId: 'music-1' });
    expect(task.callbackUrl).toBeNull();
    expect(requestsTo(sim, '/api/v1/suno/cover/generate')[0]?.body).toMatchObject({
      callBackUrl: NO_CALLBACK_URL,
    });
    suno.close();
  });

  it('sends every one of them when baseUrl is local, as the simulator is', async () => {
    const { sim, suno } = await setup({}, { pollingMode: 'callback-only' });
    for (const [index, [callBackUrl]] of unreachable.entries()) {
      // The simulator must not try to deliver to those addresses.
      sim.scenario(`music-${index}`, { callback: 'drop' });
      await suno.covers.generate({ taskId: `music-${index}`, callBackUrl });
    }
    const sent = requestsTo(sim, '/api/v1/suno/cover/generate').map(
      (request) => new URL((request.body as { callBackUrl: string }).callBackUrl).host,
    );
    expect(sent).toEqual(unreachable.map(([url]) => new URL(url).host));
    expect(
      () => new SunoCover({ apiKey: 'k', baseUrl: sim.url, callbackUrl: 'http://localhost:1/h' }),
    ).not.toThrow();
  });

  it('sends them to a public host too with allowPrivateCallbackUrl: true', async () => {
    const { sim } = await setup();
    sim.scenario('music-1', { callback: 'drop' });
    const suno = new SunoCover({
      apiKey: sim.apiKey,
      baseUrl: 'https://api.kie.ai',
      callbackUrl: 'http://10.0.0.5/hook',
      allowPrivateCallbackUrl: true,
      pollingMode: 'callback-only',
      fetch: async (request) =>
        fetch(`${sim.url}${new URL(request.url).pathname}`, {
          method: 'POST',
          headers: request.headers,
          body: await request.text(),
        }),
    });
    await suno.covers.generate({ taskId: 'music-1' });
    await suno.covers.generate({ taskId: 'music-2', callBackUrl: 'http://[fd00::5]/hook' });
    expect(
      requestsTo(sim, '/api/v1/suno/cover/generate').map(
        (request) => (request.body as { callBackUrl: string }).callBackUrl,
      ),
    ).toEqual(['http://10.0.0.5/hook', 'http://[fd00::5]/hook']);
    expect(() => new SunoCover({ apiKey: 'k', allowPrivateCallbackUrl: 'yes' as never })).toThrow(
      /`allowPrivateCallbackUrl` must be true or false/,
    );
    suno.close();
  });
});
