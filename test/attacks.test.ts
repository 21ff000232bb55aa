/**
Bad input and attacks: any body and any headers give a typed answer, never a crash;
forged and replayed callbacks dispatch nothing; slow and huge bodies are cut off; the
secrets never leak.
*/

import { connect } from 'node:net';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { SunoCover, SunoCoverError, signCoverCallback } from 'suno-cover';
import { describe, expect, it, vi } from 'vitest';
import { honoReceiver, nodeReceiver, setup } from './helpers.js';

const secret = 'whsec_attack_tests_SECRET';
const taskId = '0123456789abcdef0123456789abcdef';
function dispatched(suno: SunoCover): string[] {
  const seen: string[] = [];
  suno.on('callback', (event) => seen.push(event.taskId));
  return seen;
}

const allowed = new Set([200, 400, 401, 405, 408, 413, 415]);

describe('any input', () => {
  it('gives process() a typed answer for any body, headers, method and URL', async () => {
    const suno = new SunoCover({ apiKey: 'k', webhookSecret: secret, callbackToken: 'tok' });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.uint8Array(), fc.jsonValue(), fc.anything()),
        fc.dictionary(
          fc.string(),
          fc.oneof(fc.string(), fc.array(fc.string()), fc.constant(undefined)),
        ),
        fc.constantFrom('POST', 'GET', 'post', 'PUT', undefined),
        fc.oneof(fc.string(), fc.webUrl(), fc.constant(undefined)),
        async (body, headers, method, url) => {
          const answer = await suno.callbacks.process({ body, headers, method, url });
          expect(allowed.has(answer.status)).toBe(true);
          expect(() => answer.dispatch()).not.toThrow();
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('receives a near-valid signed callback, or refuses it, for any shape of body', async () => {
    const suno = new SunoCover({ apiKey: 'k', webhookSecret: secret });
    const body = fc.record({
      code: fc.oneof(fc.integer(), fc.string(), fc.constant(200), fc.constant(null)),
      msg: fc.oneof(fc.string(), fc.constant(null)),
      data: fc.record({
        taskId: fc.oneof(fc.constant(taskId), fc.string(), fc.integer()),
        images: fc.oneof(fc.array(fc.oneof(fc.webUrl(), fc.integer())), fc.constant(null)),
      }),
    });
    const headers = await signCoverCallback({ taskId, secret });
    await fc.assert(
      fc.asyncProperty(body, async (value) => {
        try {
          const { callback } = await suno.callbacks.receive(value, headers);
          expect(callback.taskId).toBe(taskId);
        } catch (error) {
          expect(error).toBeInstanceOf(SunoCoverError);
        }
      }),
      { numRuns: 500 },
    );
  });

  for (const [name, mount] of [
    ['node:http', nodeReceiver],
    ['Hono', honoReceiver],
  ] as const) {
    it(`answers any body and headers over HTTP through ${name} without a 5xx`, async () => {
      const suno = new SunoCover({ apiKey: 'k', webhookSecret: secret });
      const url = await mount(suno);
      const token = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,20}$/);
      const value = fc.stringMatching(/^[\x20-\x7e]{0,40}$/);
      await fc.assert(
        fc.asyncProperty(
          fc.string({ maxLength: 300 }),
          fc.dictionary(token, value, { maxKeys: 5 }),
          async (body, headers) => {
            const response = await fetch(url, { method: 'POST', headers, body });
            await response.arrayBuffer();
            expect(allowed.has(response.status)).toBe(true);
          },
        ),
        { numRuns: 150 },
      );
    });
  }

  it('parses any record-info data into details or a typed error', async () => {
    const { sim, suno } = await setup({}, { maxRetries: 0 });
    const data = fc.oneof(
      fc.anything(),
      fc.record({
        taskId: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        successFlag: fc.oneof(fc.integer(), fc.string(), fc.constant(null)),
        response: fc.oneof(
          fc.constant(null),
          fc.record({ images: fc.oneof(fc.array(fc.string()), fc.constant(null)) }),
        ),
        errorCode: fc.oneof(fc.integer(), fc.string(), fc.constant(null)),
        errorMessage: fc.oneof(fc.string(), fc.constant(null)),
        createTime: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
      }),
    );
    await fc.assert(
      fc.asyncProperty(data, async (value) => {
        sim.fail('record-info', {
          body: JSON.stringify({ code: 200, msg: 'success', data: value }),
        });
        try {
          const details = await suno.covers.get('t');
          expect(['pending', 'generating', 'succeeded', 'failed']).toContain(details.status);
          expect(Array.isArray(details.images)).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(SunoCoverError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('forged and replayed callbacks', () => {
  it('dispatches nothing for a wrong signature, another task’s signature, or a stale timestamp', async () => {
    const suno = new SunoCover({ apiKey: 'k', webhookSecret: secret });
    const seen = dispatched(suno);
    const url = await nodeReceiver(suno);
    const body = JSON.stringify({
      code: 200,
      msg: 'ok',
      data: { taskId, images: ['https://evil.example/x.png'] },
    });
    const post = async (headers: Record<string, string>) =>
      (
        await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
        })
      ).status;
    const forgedWithOtherKey = await signCoverCallback({ taskId, secret: 'not-the-secret' });
    const forOtherTask = await signCoverCallback({ taskId: 'another-task', secret });
    const stale = await signCoverCallback({
      taskId,
      secret,
      timestamp: Math.floor(Date.now() / 1000) - 301,
    });
    const future = await signCoverCallback({
      taskId,
      secret,
      timestamp: Math.floor(Date.now() / 1000) + 301,
    });
    expect(await post(forgedWithOtherKey)).toBe(401);
    expect(await post(forOtherTask)).toBe(401);
    expect(await post(stale)).toBe(401);
    expect(await post(future)).toBe(401);
    expect(await post({})).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual([]);
  });

  it('refuses a captured signed request replayed after the tolerance window', async () => {
    const suno = new SunoCover({ apiKey: 'k', webhookSecret: secret, webhookTolerance: 1 });
    const seen = dispatched(suno);
    const url = await nodeReceiver(suno);
    const captured = {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(await signCoverCallback({ taskId, secret })),
      },
      body: JSON.stringify({
        code: 200,
        msg: 'ok',
        data: { taskId, images: ['https://cdn.example/1.png'] },
      }),
    };
    expect((await fetch(url, captured)).status).toBe(200);
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const replay = await fetch(url, captured);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: 'timestamp_too_old' });
    expect(seen).toHaveLength(1);
  });
});

describe('hostile bodies', () => {
  for (const [name, mount] of [
    ['node:http', nodeReceiver],
    ['Hono', honoReceiver],
  ] as const) {
    it(`cuts off a body that never finishes with 408 (${name})`, async () => {
      const suno = new SunoCover({ apiKey: 'k', callbackReadTimeout: 200 });
      const url = new URL(await mount(suno));
      const socket = connect(Number(url.port), url.hostname);
      let answer = '';
      socket.on('data', (chunk) => {
        answer += chunk.toString();
      });
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.write(
        'POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"code":200,',
      );
      const started = Date.now();
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      socket.destroy();
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it(`refuses an oversized body sent without a Content-Length with 413 (${name})`, async () => {
      const suno = new SunoCover({ apiKey: 'k', maxCallbackBytes: 1024 });
      const url = await mount(suno);
      const chunks = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 64; i++)
            controller.enqueue(new TextEncoder().encode('x'.repeat(1024)));
          controller.close();
        },
      });
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: chunks,
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(413);
    });
  }

  it('refuses deeply nested JSON with 400 and neutralises prototype keys', async () => {
    const suno = new SunoCover({ apiKey: 'k', maxCallbackBytes: 1_000_000 });
    const seen = dispatched(suno);
    const url = await nodeReceiver(suno);
    const deep = `{"code":200,"data":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const nested = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: deep,
    });
    expect(nested.status).toBe(400);
    const polluting = `{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"code":200,"msg":"ok","data":{"taskId":"${taskId}","images":["https://cdn.example/u.png"],"__proto__":{"polluted":1}}}`;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: polluting,
    });
    expect(response.status).toBe(200);
    await vi.waitFor(() => expect(seen).toEqual([taskId]));
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect((Object.prototype as { polluted?: unknown }).polluted).toBeUndefined();
  });
});

describe('secrets', () => {
  it('never shows the API key, webhook secret or callback token in any error, cause, event, answer or output', async () => {
    const apiKey = 'sk-SECRET-API-KEY-4242';
    const callbackToken = 'tok-SECRET-TOKEN-4242';
    const { sim } = await setup({ pendingMs: 10, generatingMs: 10 });
    const out: string[] = [];
    // Whatever the SDK might print goes here instead, to be searched.
    const capture = (chunk: unknown) => {
      out.push(String(chunk));
      return true;
    };
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    const collected: unknown[] = [];
    try {
      const suno = new SunoCover({
        apiKey,
        webhookSecret: secret,
        callbackToken,
        baseUrl: sim.url,
        maxRetries: 1,
        pollInterval: 100,
      });
      for (const name of [
        'retry',
        'error',
        'callback',
        'succeeded',
        'failed',
        'conflict',
        'status',
        'submitted',
        'timeout',
      ] as const) {
        suno.on(name, (event: unknown) => collected.push(event));
      }
      sim.fail('credit', { code: 500, retryAfter: 0 });
      collected.push(await suno.credits().catch((error: unknown) => error)); // 401: the key is wrong for the simulator
      collected.push(await suno.covers.get('x').catch((error: unknown) => error));
      collected.push(
        await suno.covers
          .generateAndWait({ taskId: 'm' }, { timeout: 500 })
          .catch((error: unknown) => error),
      );
      const url = await nodeReceiver(suno);
      for (const query of ['', '?token=wrong', `?token=${callbackToken}`]) {
        const response = await fetch(url + query, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-webhook-signature': 'x',
            'x-webhook-timestamp': '1',
          },
          body: JSON.stringify({
            code: 200,
            data: { taskId, images: ['https://cdn.example/u.png'] },
          }),
        });
        collected.push(await response.text());
      }
      collected.push(
        await suno.callbacks
          .receive({ code: 200, data: { taskId, images: ['https://cdn.example/u.png'] } }, {})
          .catch((e: unknown) => e),
      );
      collected.push(suno, suno.toJSON(), suno.covers.track('abc'));
      suno.close();
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
    const dump = [
      ...collected.map((item) => inspect(item, { depth: 12, showHidden: true })),
      ...collected.map((item) => {
        try {
          return JSON.stringify(item);
        } catch {
          return '';
        }
      }),
      ...collected.filter((item) => item instanceof Error).map(String),
      ...out,
    ].join('\n');
    expect(
      collected.filter((item) => item instanceof SunoCoverError).length,
    ).toBeGreaterThanOrEqual(3);
    for (const hidden of [apiKey, secret, callbackToken]) expect(dump).not.toContain(hidden);
    expect(out).toEqual([]);
  });
});
