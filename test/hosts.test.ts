/**
Host profiles: each known host's paths and defaults, read from one table (src/hosts.ts).
The requests go to the simulator over real sockets: the client's `fetch` sends what it
would send to the real host to the simulator instead, so the paths are the ones a real
host would see.
*/
import { type ClientOptions, InvalidArgumentError, SunoCover } from 'suno-cover';
import type { CoverSimulator } from 'suno-cover/testing';
import { describe, expect, it } from 'vitest';
import { hostProfiles } from '../src/hosts.js';
import { normalizeOptions } from '../src/options.js';
import { setup } from './helpers.js';

/** A client of `baseUrl` whose requests reach the simulator, path and query unchanged. */
function clientOf(sim: CoverSimulator, baseUrl: string, options: ClientOptions = {}): SunoCover {
  return new SunoCover({
    apiKey: sim.apiKey,
    baseUrl,
    pollingMode: 'callback-only',
    ...options,
    fetch: async (request) => {
      const url = new URL(request.url);
      return fetch(`${sim.url}${url.pathname}${url.search}`, {
        method: request.method,
        headers: request.headers,
        body: request.method === 'POST' ? await request.text() : null,
      });
    },
  });
}

const hosts = [
  ['sunoapi.org', 'https://api.sunoapi.org', '/api/v1/generate/credit'],
  ['kie.ai', 'https://api.kie.ai', '/api/v1/chat/credit'],
  ['api.box', 'https://api.api.box', '/api/v1/generate/credit'],
  ['apikley', 'https://api.apikley.ru', '/api/v1/generate/credit'],
] as const;

describe('host profiles', () => {
  it.each(hosts)(
    'sends %s its credits path and the legacy route by default',
    async (name, baseUrl, creditsPath) => {
      const { sim } = await setup({ credits: 9 });
      const suno = clientOf(sim, baseUrl);
      expect(suno.toJSON()).toMatchObject({ baseUrl, hostProfile: name, api: 'legacy' });
      expect(await suno.credits()).toBe(9);
      const task = await suno.covers.generate({ taskId: 'music-1' });
      await suno.covers.get(task.taskId);
      expect(sim.requests.map((request) => request.path)).toEqual([
        creditsPath,
        '/api/v1/suno/cover/generate',
        '/api/v1/suno/cover/record-info',
      ]);
      suno.close();
    },
  );

  it("sends kie.ai's Market route to jobs/createTask and jobs/recordInfo", async () => {
    const { sim } = await setup();
    const suno = clientOf(sim, 'https://api.kie.ai', { api: 'market' });
    const task = await suno.covers.generate({ taskId: 'music-1' });
    expect((await suno.covers.get(task.taskId)).parentTaskId).toBe('music-1');
    expect(sim.requests.map((request) => request.path)).toEqual([
      '/api/v1/jobs/createTask',
      '/api/v1/jobs/recordInfo',
    ]);
    suno.close();
  });

  it('takes the defaults of submitRate, maxPollsPerSecond and creditsPath from the profile', () => {
    const defaults = (baseUrl: string) => {
      const { submitRate, maxPollsPerSecond, creditsPath, api, host } = normalizeOptions({
        apiKey: 'k',
        baseUrl,
      });
      return { submitRate, maxPollsPerSecond, creditsPath, api, host: host.name };
    };
    expect(defaults('https://api.kie.ai')).toEqual({
      submitRate: { limit: 18, interval: 10_000 },
      maxPollsPerSecond: 8,
      creditsPath: 'api/v1/chat/credit',
      api: 'legacy',
      host: 'kie.ai',
    });
    for (const baseUrl of [
      'https://api.sunoapi.org',
      'https://api.api.box',
      'https://api.apikley.ru',
    ]) {
      expect(defaults(baseUrl)).toMatchObject({
        submitRate: { limit: 18, interval: 10_000 },
        maxPollsPerSecond: 5,
        creditsPath: 'api/v1/generate/credit',
      });
    }
    // Given options still win over the profile.
    expect(
      normalizeOptions({
        apiKey: 'k',
        baseUrl: 'https://api.kie.ai',
        maxPollsPerSecond: 2,
        submitRate: { limit: 3 },
        creditsPath: '/custom/credit',
      }),
    ).toMatchObject({
      maxPollsPerSecond: 2,
      submitRate: { limit: 3, interval: 10_000 },
      creditsPath: 'custom/credit',
    });
  });

  it('keeps every default under the limits a host documents, with headroom', () => {
    for (const profile of hostProfiles) {
      const { generate, statusPerSecond } = profile.documented as {
        generate?: { limit: number; interval: number };
        statusPerSecond?: number;
      };
      const rate = profile.submitRate.limit / profile.submitRate.interval;
      if (generate) expect(rate).toBeLessThan(generate.limit / generate.interval);
      if (statusPerSecond) expect(profile.maxPollsPerSecond).toBeLessThan(statusPerSecond);
      expect(new URL(profile.baseUrl).hostname.endsWith(profile.domain)).toBe(true);
      expect(profile.apis).toContain(profile.defaultApi);
    }
    expect(hostProfiles.filter((profile) => profile.signsCallbacks).map((p) => p.name)).toEqual([
      'kie.ai',
    ]);
  });

  it('gives a subdomain its host profile, and an unknown host the profile of sunoapi.org', () => {
    expect(normalizeOptions({ apiKey: 'k', baseUrl: 'https://eu.api.kie.ai.' }).host.name).toBe(
      'kie.ai',
    );
    expect(normalizeOptions({ apiKey: 'k', baseUrl: 'https://notkie.ai' }).host.name).toBe(
      'sunoapi.org',
    );
    const proxy = normalizeOptions({ apiKey: 'k', baseUrl: 'https://proxy.example.com/suno' });
    expect(proxy).toMatchObject({
      host: { name: 'sunoapi.org' },
      creditsPath: 'api/v1/generate/credit',
      maxPollsPerSecond: 5,
    });
  });

  it.each(['https://api.sunoapi.org', 'https://api.api.box', 'https://api.apikley.ru'])(
    "refuses api: 'market' on %s, which does not serve it, before anything is sent",
    (baseUrl) => {
      expect(() => new SunoCover({ apiKey: 'k', baseUrl, api: 'market' })).toThrow(
        expect.objectContaining({
          name: 'InvalidArgumentError',
          message: expect.stringMatching(/does not serve.*leave `api` out/),
        }),
      );
    },
  );

  it("takes api: 'market' on kie.ai and on a host it does not know (a proxy, the simulator)", () => {
    expect(
      new SunoCover({ apiKey: 'k', baseUrl: 'https://api.kie.ai', api: 'market' }).toJSON(),
    ).toMatchObject({ api: 'market', hostProfile: 'kie.ai' });
    expect(
      new SunoCover({ apiKey: 'k', baseUrl: 'https://proxy.example.com', api: 'market' }).toJSON(),
    ).toMatchObject({ api: 'market' });
    expect(() => new SunoCover({ apiKey: 'k', api: 'jobs' as never })).toThrow(
      InvalidArgumentError,
    );
    expect(() => new SunoCover({ apiKey: 'k', apii: 'market' } as never)).toThrow(
      /did you mean `api`\?/,
    );
  });
});
