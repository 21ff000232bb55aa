import { createServer } from 'node:http';
import { InvalidArgumentError, type Logger, SunoCover, signCoverCallback } from 'suno-cover';
import { toNodeHandler } from 'suno-cover/node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { listen, nodeReceiver, setup } from './helpers.js';

interface Line {
  level: keyof Logger;
  text: string;
}

/** A logger that keeps every line, fields included, as text. */
function recorder(): { logger: Logger; lines: Line[] } {
  const lines: Line[] = [];
  const write =
    (level: keyof Logger) =>
    (message: string, ...rest: unknown[]) =>
      lines.push({ level, text: [message, ...rest.map((item) => JSON.stringify(item))].join(' ') });
  return {
    lines,
    logger: {
      error: write('error'),
      warn: write('warn'),
      info: write('info'),
      debug: write('debug'),
    },
  };
}

const apiKey = 'sk-live-0123456789abcdef';
const webhookSecret = 'whsec-abcdef0123456789';
const callbackToken = 'tok-9876543210fedcba';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the debug log', () => {
  it('logs requests, retries, polls and callbacks with every secret redacted', async () => {
    const { logger, lines } = recorder();
    const { sim } = await setup({
      apiKey,
      webhookHmacKey: webhookSecret,
      pendingMs: 30,
      generatingMs: 30,
    });
    const suno = new SunoCover({
      apiKey,
      baseUrl: sim.url,
      webhookSecret,
      callbackToken,
      pollInterval: 100,
      logLevel: 'debug',
      logger,
    });
    const hook = await nodeReceiver(suno);
    sim.fail('credit', { status: 503, retryAfter: 0 });
    // A host that echoes the Authorization header in its message.
    sim.fail('credit', { status: 401, code: 401, msg: `Invalid key: Bearer ${apiKey}` });
    await expect(suno.credits()).rejects.toThrow(/\[redacted\]/);
    const task = await suno.covers.generate({
      taskId: 'music-1',
      callBackUrl: `${hook}?token=${callbackToken}`,
    });
    await task.wait({ timeout: 5_000 });
    await sim.idle();
    // A forged callback, refused.
    await fetch(`${hook}?token=${callbackToken}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        code: 200,
        msg: 'ok',
        data: { taskId: task.taskId, images: ['https://x/1.png'] },
      }),
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    suno.close();

    const text = lines.map((line) => line.text).join('\n');
    expect(lines.every((line) => line.level === 'debug')).toBe(true);
    expect(text).toMatch(
      /suno-cover: GET \/api\/v1\/generate\/credit → HTTP 503 in \d+ ms, attempt 1\n/,
    );
    expect(text).toMatch(/GET \/api\/v1\/generate\/credit → HTTP 401 in \d+ ms, attempt 2/);
    expect(text).toMatch(/retry 1 of 2 in 0 ms after ServiceUnavailableError/);
    expect(text).toMatch(/POST \/api\/v1\/suno\/cover\/generate → HTTP 200/);
    expect(text).toMatch(/callback for task .+: succeeded \((settled|duplicate)\)/);
    expect(text).toMatch(/callback refused with 401/);
    for (const secret of [apiKey, webhookSecret, callbackToken]) expect(text).not.toContain(secret);
  });

  it('is silent at the default level and logs nothing but what a user must fix', async () => {
    const { logger, lines } = recorder();
    const { sim } = await setup();
    const suno = new SunoCover({ apiKey: sim.apiKey, baseUrl: sim.url, logger, pollInterval: 100 });
    await suno.covers.generateAndWait({ taskId: 'music-1' }, { timeout: 5_000 });
    expect(lines).toEqual([]);
  });

  it('reads the level from SUNO_COVER_LOG', async () => {
    vi.stubEnv('SUNO_COVER_LOG', 'debug');
    const { logger, lines } = recorder();
    const { sim } = await setup();
    await new SunoCover({ apiKey: sim.apiKey, baseUrl: sim.url, logger }).credits();
    expect(lines.map((line) => line.level)).toEqual(['debug']);
    vi.unstubAllEnvs();
  });

  it('refuses a level or logger it cannot use', () => {
    expect(() => new SunoCover({ apiKey: 'k', logLevel: 'verbose' as never })).toThrow(
      /`logLevel` must be one of 'off', 'error', 'warn', 'info', 'debug'/,
    );
    expect(() => new SunoCover({ apiKey: 'k', logger: { log() {} } as never })).toThrow(
      InvalidArgumentError,
    );
  });

  it('survives a logger that throws', async () => {
    const { sim } = await setup();
    const boom = () => {
      throw new Error('logger down');
    };
    const suno = new SunoCover({
      apiKey: sim.apiKey,
      baseUrl: sim.url,
      logLevel: 'debug',
      logger: { error: boom, warn: boom, info: boom, debug: boom },
    });
    expect(await suno.credits()).toBe(100);
  });
});

describe('the unverified-callbacks warning', () => {
  async function deliver(suno: SunoCover, times: number) {
    const hook = await listen(createServer(toNodeHandler(suno)));
    for (let i = 0; i < times; i++) {
      const response = await fetch(hook, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: 501, msg: 'failed', data: { taskId: `t-${i}` } }),
      });
      expect(response.status).toBe(200);
    }
  }

  it('warns once when a receiver takes callbacks without any verification', async () => {
    const { logger, lines } = recorder();
    const suno = new SunoCover({ apiKey: 'k', logger });
    await deliver(suno, 3);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.level).toBe('warn');
    expect(lines[0]?.text).toMatch(/without verification/);
    expect(lines[0]?.text).toMatch(/`webhookSecret`.*`callbackToken`.*`confirmCallbacks: true`/);
    expect(lines[0]?.text).toMatch(/`allowUnverifiedCallbacks: true` to silence/);
  });

  it('warns on console by default', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await deliver(new SunoCover({ apiKey: 'k' }), 2);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['allowUnverifiedCallbacks', { allowUnverifiedCallbacks: true }],
    ['logLevel off', { logLevel: 'off' as const }],
  ])('can be silenced with %s', async (_, options) => {
    const { logger, lines } = recorder();
    await deliver(new SunoCover({ apiKey: 'k', logger, ...options }), 1);
    expect(lines).toEqual([]);
  });

  it('does not warn when the host signs and a secret is set', async () => {
    const { logger, lines } = recorder();
    const suno = new SunoCover({ apiKey: 'k', logger, webhookSecret: 'secret-1' });
    const hook = await listen(createServer(toNodeHandler(suno)));
    const headers = await signCoverCallback({ taskId: 't-1', secret: 'secret-1' });
    const response = await fetch(hook, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ code: 501, msg: 'failed', data: { taskId: 't-1' } }),
    });
    expect(response.status).toBe(200);
    expect(lines).toEqual([]);
  });
});
