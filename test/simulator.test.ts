import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { coverPng } from 'suno-cover/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { setup } from './helpers.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: unknown;
}

const receivers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((close) => close()));
});

/** A bare node:http receiver that answers with the given statuses in turn (then 200). */
async function receiver(statuses: number[] = []) {
  const received: Received[] = [];
  const server = createServer(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    received.push({ headers: req.headers, body: JSON.parse(text) });
    res.writeHead(statuses.shift() ?? 200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receivers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

describe('the simulator', () => {
  it('POSTs a success callback with the task id and two image URLs', async () => {
    const hook = await receiver();
    const { sim, suno } = await setup({ pendingMs: 5, generatingMs: 5 });
    const task = await suno.covers.generate({ taskId: 'music-1', callBackUrl: hook.url });
    await sim.idle();
    expect(hook.received).toHaveLength(1);
    const body = hook.received[0]?.body as {
      code: number;
      data: { taskId: string; images: string[] };
    };
    expect(body.code).toBe(200);
    expect(body.data.taskId).toBe(task.taskId);
    expect(body.data.images).toHaveLength(2);
    expect(hook.received[0]?.headers['content-type']).toBe('application/json');
    expect(hook.received[0]?.headers['x-webhook-signature']).toBeUndefined();
  });

  it.each([400, 408, 500, 501, 531])(
    'POSTs a failure callback with code %i and images: null',
    async (code) => {
      const hook = await receiver();
      const { sim, suno } = await setup({ pendingMs: 5, generatingMs: 5 });
      sim.scenario('music-1', { outcome: { code } });
      const task = await suno.covers.generate({ taskId: 'music-1', callBackUrl: hook.url });
      await sim.idle();
      expect(hook.received[0]?.body).toMatchObject({
        code,
        data: { taskId: task.taskId, images: null },
      });
    },
  );

  it("signs callbacks with kie.ai's scheme when a webhookHmacKey is set", async () => {
    const hook = await receiver();
    const key = 'hmac-key-for-tests';
    const { sim, suno } = await setup({ pendingMs: 5, generatingMs: 5, webhookHmacKey: key });
    const task = await suno.covers.generate({ taskId: 'music-1', callBackUrl: hook.url });
    await sim.idle();
    const headers = hook.received[0]?.headers ?? {};
    const timestamp = String(headers['x-webhook-timestamp']);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(5);
    const expected = createHmac('sha256', key)
      .update(`${task.taskId}.${timestamp}`)
      .digest('base64');
    expect(headers['x-webhook-signature']).toBe(expected);
  });

  it('re-sends a callback the receiver did not answer with 200, then stops', async () => {
    const hook = await receiver([500, 503]);
    const { sim, suno } = await setup({
      pendingMs: 5,
      generatingMs: 5,
      callbackRetryDelays: [20, 20, 20],
    });
    await suno.covers.generate({ taskId: 'music-1', callBackUrl: hook.url });
    await sim.idle();
    expect(hook.received).toHaveLength(3);
    expect(sim.callbacks.map((attempt) => attempt.status)).toEqual([500, 503, 200]);
    expect(sim.callbacks.map((attempt) => attempt.attempt)).toEqual([1, 2, 3]);
  });

  it('drops the callback when the scenario says so, and never delivers to the .invalid placeholder', async () => {
    const hook = await receiver();
    const { sim, suno } = await setup({ pendingMs: 5, generatingMs: 5 });
    sim.scenario('music-1', { callback: 'drop' });
    await suno.covers.generate({ taskId: 'music-1', callBackUrl: hook.url });
    await suno.covers.generate({ taskId: 'music-2' });
    await sim.idle();
    expect(hook.received).toHaveLength(0);
    expect(sim.callbacks).toHaveLength(0);
  });

  it('serves the images as real, deterministic PNGs', async () => {
    const { sim, suno } = await setup({ pendingMs: 5, generatingMs: 5 });
    const task = await suno.covers.generate({ taskId: 'music-1' });
    await sim.idle();
    const { images } = await suno.covers.get(task.taskId);
    const response = await fetch(images[0] as string);
    expect(response.headers.get('content-type')).toBe('image/png');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(Buffer.from(bytes).equals(coverPng(`${task.taskId}/1`))).toBe(true);
    const second = new Uint8Array(await (await fetch(images[1] as string)).arrayBuffer());
    expect(Buffer.from(second).equals(Buffer.from(bytes))).toBe(false);
    expect((await fetch(`${sim.url}/images/${task.taskId}/3.png`)).status).toBe(404);
  });

  it('answers a wrong key with HTTP 200 and body code 401, as real hosts do', async () => {
    const { sim } = await setup();
    const response = await fetch(`${sim.url}/api/v1/generate/credit`, {
      headers: { authorization: 'Bearer wrong' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ code: 401, data: null });
    expect(sim.requests[0]?.authorized).toBe(false);
  });

  it('refunds the credits of a task that fails with 531', async () => {
    const { sim, suno } = await setup({ credits: 5 });
    sim.scenario('music-1', { outcome: { code: 531 } });
    await suno.covers.generate({ taskId: 'music-1' });
    await suno.covers.generate({ taskId: 'music-2' });
    expect(sim.credits).toBe(4);
  });
});
