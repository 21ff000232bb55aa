/**
Each receiver through its real framework over real sockets on 127.0.0.1: the Fetch
handler under Hono, and the Node handler under node:http and Express (with and without
body parsers). Callbacks come from the simulator and from hand-made requests.
*/
import { createServer } from 'node:http';
import express from 'express';
import {
  type CallbackEvent,
  type ErrorEvent,
  type FailedEvent,
  type SucceededEvent,
  SunoCover,
  signCoverCallback,
} from 'suno-cover';
import { toNodeHandler } from 'suno-cover/node';
import { describe, expect, it, vi } from 'vitest';
import { honoReceiver, listen, nodeReceiver, setup } from './helpers.js';

const secret = 'whsec_receiver_tests';
type Mount = (suno: SunoCover) => Promise<string>;

const mounts: Record<string, Mount> = {
  'Hono (Fetch handler)': honoReceiver,
  'node:http (toNodeHandler)': nodeReceiver,
  'Express, no body parser': (suno) => {
    const app = express();
    app.all('/hook', toNodeHandler(suno));
    return listen(createServer(app));
  },
  'Express after express.json()': (suno) => {
    const app = express();
    app.use(express.json());
    app.all('/hook', toNodeHandler(suno));
    return listen(createServer(app));
  },
  'Express after express.raw()': (suno) => {
    const app = express();
    app.use(express.raw({ type: '*/*' }));
    app.all('/hook', toNodeHandler(suno));
    return listen(createServer(app));
  },
};

const taskId = 'ffeeddccbbaa99887766554433221100';
const successBody = (id = taskId) => ({
  code: 200,
  msg: 'success',
  data: { taskId: id, images: ['https://cdn.example/a.png'] },
});

function record(suno: SunoCover) {
  const seen = {
    succeeded: [] as SucceededEvent[],
    failed: [] as FailedEvent[],
    callback: [] as CallbackEvent[],
    error: [] as ErrorEvent[],
  };
  suno.on('succeeded', (event) => seen.succeeded.push(event));
  suno.on('failed', (event) => seen.failed.push(event));
  suno.on('callback', (event) => seen.callback.push(event));
  suno.on('error', (event) => seen.error.push(event));
  return seen;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text };
}

async function signedPost(
  url: string,
  body: { data: { taskId?: string; task_id?: string } },
  extra = {},
) {
  const id = body.data.taskId ?? body.data.task_id ?? '';
  return post(url, body, { ...(await signCoverCallback({ taskId: id, secret })), ...extra });
}

for (const [name, mount] of Object.entries(mounts)) {
  describe(`receiving through ${name}`, () => {
    async function receiver(options = {}) {
      const suno = new SunoCover({
        apiKey: 'k',
        baseUrl: 'http://127.0.0.1:9',
        webhookSecret: secret,
        ...options,
      });
      const url = await mount(suno);
      return { suno, url, seen: record(suno) };
    }

    /** Posts a good callback for another task and waits for it: everything sent before has been handled. */
    async function settle(url: string, seen: ReturnType<typeof record>) {
      const before = seen.callback.length;
      expect((await signedPost(url, successBody('sentinel-task'))).status).toBe(200);
      await vi.waitFor(() => expect(seen.callback.length).toBe(before + 1));
    }

    it('accepts a signed callback from the simulator and dispatches it once', async () => {
      const { suno, url, seen } = await receiver();
      const { sim, suno: client } = await setup({
        pendingMs: 5,
        generatingMs: 5,
        webhookHmacKey: secret,
      });
      const task = await client.covers.generate({ taskId: 'music-1', callBackUrl: url });
      await sim.idle();
      expect(sim.callbacks.map((attempt) => attempt.status)).toEqual([200]);
      await vi.waitFor(() => expect(seen.succeeded).toHaveLength(1));
      expect(seen.succeeded[0]).toMatchObject({
        type: 'succeeded',
        taskId: task.taskId,
        source: 'callback',
      });
      expect(seen.succeeded[0]?.images).toEqual(sim.task(task.taskId)?.images);
      expect(seen.callback[0]).toMatchObject({ taskId: task.taskId, duplicate: false });
      expect(suno.listenerCount('succeeded')).toBe(1);
    });

    it('answers a duplicate with 200 and dispatches nothing new', async () => {
      const { url, seen } = await receiver();
      expect((await signedPost(url, successBody())).status).toBe(200);
      expect((await signedPost(url, successBody())).status).toBe(200);
      await vi.waitFor(() => expect(seen.callback).toHaveLength(2));
      expect(seen.callback.map((event) => event.duplicate)).toEqual([false, true]);
      expect(seen.succeeded).toHaveLength(1);
    });

    it.each<[string, () => Promise<Record<string, string>>, string]>([
      ['an unsigned callback', async () => ({}), 'missing_signature'],
      [
        'a wrong signature',
        async () => ({
          ...(await signCoverCallback({ taskId, secret })),
          'x-webhook-signature': 'AYaMs+ZHqSk4nVk8hQWw7dUwSECXOSdk8ugqd4jNGEU=',
        }),
        'invalid_signature',
      ],
      [
        'a stale timestamp',
        () =>
          signCoverCallback({ taskId, secret, timestamp: Math.floor(Date.now() / 1000) - 3600 }),
        'timestamp_too_old',
      ],
    ])('answers 401 to %s and dispatches nothing', async (_case, makeHeaders, reason) => {
      const { url, seen } = await receiver();
      const given = await makeHeaders();
      const response = await post(url, successBody(), given);
      expect(response.status).toBe(401);
      expect(JSON.parse(response.text)).toMatchObject({ error: reason });
      await settle(url, seen);
      expect(seen.succeeded.map((event) => event.taskId)).toEqual(['sentinel-task']);
    });

    it('answers 415 to a body that is not JSON by its content type', async () => {
      const { url, seen } = await receiver();
      const response = await post(url, successBody(), {
        ...(await signCoverCallback({ taskId, secret })),
        'content-type': 'text/plain',
      });
      expect(response.status).toBe(415);
      await settle(url, seen);
      expect(seen.callback).toHaveLength(1);
    });

    it('answers 400 to invalid JSON', async () => {
      const { url, seen } = await receiver();
      const response = await post(
        url,
        '{"code":200,"data":{',
        await signCoverCallback({ taskId, secret }),
      );
      expect(response.status).toBe(400);
      await settle(url, seen);
      expect(seen.callback).toHaveLength(1);
    });

    it('answers 413 to an oversized body', async () => {
      const { url, seen } = await receiver({ maxCallbackBytes: 2048 });
      const body = { ...successBody(), padding: 'x'.repeat(4096) };
      const response = await signedPost(url, body);
      expect(response.status).toBe(413);
      await settle(url, seen);
      expect(seen.callback).toHaveLength(1);
    });

    it('answers 405 to a GET', async () => {
      const { url } = await receiver();
      expect((await fetch(url)).status).toBe(405);
    });

    it('accepts an unknown code as a failure with that code, and snake_case task_id', async () => {
      const { url, seen } = await receiver();
      const body = { code: 777, msg: 'odd', data: { task_id: taskId, images: null } };
      expect((await signedPost(url, body)).status).toBe(200);
      await vi.waitFor(() => expect(seen.failed).toHaveLength(1));
      expect(seen.failed[0]).toMatchObject({
        taskId,
        code: 777,
        message: 'odd',
        refunded: false,
        source: 'callback',
      });
    });

    it('answers 200 even when a listener throws, and reports the throw as an error event', async () => {
      const { suno, url, seen } = await receiver();
      suno.on('succeeded', () => {
        throw new Error('listener bug');
      });
      expect((await signedPost(url, successBody())).status).toBe(200);
      await vi.waitFor(() => expect(seen.error).toHaveLength(1));
      expect(seen.error[0]).toMatchObject({ source: 'listener', taskId });
      expect(seen.error[0]?.error.message).toMatch(/'succeeded' listener threw: listener bug/);
      expect(seen.succeeded).toHaveLength(1);
    });
  });
}

describe('receiving without a signing host', () => {
  it('checks the callback token in the URL when callbackToken is set', async () => {
    const suno = new SunoCover({ apiKey: 'k', callbackToken: 'tok-123' });
    const url = await mounts['Hono (Fetch handler)']?.(suno);
    const seen = record(suno);
    expect((await post(`${url}?token=wrong`, successBody())).status).toBe(401);
    expect((await post(`${url}`, successBody())).status).toBe(401);
    expect((await post(`${url}?token=tok-123`, successBody())).status).toBe(200);
    await vi.waitFor(() => expect(seen.succeeded).toHaveLength(1));
  });

  it('confirms a callback against the API before it counts when confirmCallbacks is set', async () => {
    const { sim } = await setup({ pendingMs: 5, generatingMs: 5 });
    const suno = new SunoCover({ apiKey: sim.apiKey, baseUrl: sim.url, confirmCallbacks: true });
    const seen = record(suno);
    const url = await mounts['node:http (toNodeHandler)']?.(suno);
    const task = await suno.covers.generate({ taskId: 'music-1' });
    await sim.idle();
    // A forged failure for a task that succeeded, and a callback for a task that does not exist.
    const forged = await post(url as string, {
      code: 501,
      msg: 'x',
      data: { taskId: task.taskId },
    });
    expect(forged.status).toBe(401);
    expect(JSON.parse(forged.text)).toMatchObject({ error: 'unconfirmed' });
    expect((await post(url as string, successBody('0000'))).status).toBe(401);
    const real = await post(url as string, {
      code: 200,
      msg: 'ok',
      data: { taskId: task.taskId, images: ['https://evil.example/x.png'] },
    });
    expect(real.status).toBe(200);
    await vi.waitFor(() => expect(seen.succeeded).toHaveLength(1));
    // The API's images are trusted over the body's.
    expect(seen.succeeded[0]?.images).toEqual(sim.task(task.taskId)?.images);
  });

  it('answers 503 when confirmation cannot reach the API, so that the host retries', async () => {
    const suno = new SunoCover({
      apiKey: 'k',
      baseUrl: 'http://127.0.0.1:9',
      confirmCallbacks: true,
      maxRetries: 0,
    });
    const response = await suno.callbacks.handle(
      new Request('http://localhost/hook', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(successBody()),
      }),
    );
    expect(response.status).toBe(503);
  });
});

describe('callbacks.receive', () => {
  it('verifies, parses and dispatches in-process, and reports duplicates', async () => {
    const suno = new SunoCover({ apiKey: 'k', webhookSecret: secret });
    const seen = record(suno);
    const headers = await signCoverCallback({ taskId, secret });
    const first = await suno.callbacks.receive(JSON.stringify(successBody()), headers);
    expect(first).toMatchObject({ duplicate: false, callback: { status: 'succeeded', taskId } });
    expect(seen.succeeded).toHaveLength(1);
    const again = await suno.callbacks.receive(successBody(), headers);
    expect(again.duplicate).toBe(true);
    expect(seen.succeeded).toHaveLength(1);
  });

  it('surfaces a contradicting report as a conflict and keeps the first outcome', async () => {
    const suno = new SunoCover({ apiKey: 'k' });
    const seen = record(suno);
    const conflicts: unknown[] = [];
    suno.on('conflict', (event) => conflicts.push(event));
    await suno.callbacks.receive(successBody());
    await suno.callbacks.receive({ code: 501, msg: 'late failure', data: { taskId } });
    expect(seen.succeeded).toHaveLength(1);
    expect(seen.failed).toHaveLength(0);
    expect(conflicts).toEqual([
      expect.objectContaining({ taskId, kept: 'succeeded', reported: 'failed', code: 501 }),
    ]);
  });

  it('throws CallbackVerificationError for an unsigned body when a secret is set, dispatching nothing', async () => {
    const suno = new SunoCover({ apiKey: 'k', webhookSecret: secret });
    const seen = record(suno);
    await expect(suno.callbacks.receive(successBody(), {})).rejects.toMatchObject({
      reason: 'missing_signature',
    });
    expect(seen.callback).toHaveLength(0);
  });
});
