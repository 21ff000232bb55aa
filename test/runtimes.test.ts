/**
The web-standard core on real runtimes other than Node: a receiver on Bun.serve and on
Deno.serve (binaries from npm), fed over real sockets by this Node process.
*/
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { signCoverCallback } from 'suno-cover';
import { afterEach, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const secret = 'whsec_runtime_tests';
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill();
});

const runtimes = {
  bun: ['node_modules/.bin/bun', ['run', 'test/runtimes/receiver.mjs']],
  deno: [
    'node_modules/.bin/deno',
    [
      'run',
      '--allow-net',
      '--allow-read',
      '--allow-env',
      '--no-prompt',
      'test/runtimes/receiver.mjs',
    ],
  ],
} as const;

async function start(name: keyof typeof runtimes): Promise<string> {
  const [command, args] = runtimes[name];
  const child = spawn(command, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before listening`)));
  });
  const { port, runtime } = JSON.parse(first) as { port: number; runtime: string };
  expect(runtime).toBe(name);
  return `http://127.0.0.1:${port}`;
}

for (const name of Object.keys(runtimes) as (keyof typeof runtimes)[]) {
  describe(`the Fetch receiver on ${name}`, () => {
    it('accepts a signed callback once, and refuses forged and broken ones', async () => {
      const url = await start(name);
      const taskId = `task-on-${name}`;
      const body = JSON.stringify({
        code: 200,
        msg: 'success',
        data: { taskId, images: ['https://cdn.example/1.png'] },
      });
      const post = async (headers: Record<string, string>, text = body) =>
        (
          await fetch(`${url}/hook`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body: text,
          })
        ).status;
      const signed = await signCoverCallback({ taskId, secret });
      expect(await post(signed)).toBe(200);
      expect(await post(signed)).toBe(200);
      expect(await post(await signCoverCallback({ taskId, secret: 'forged' }))).toBe(401);
      expect(await post({})).toBe(401);
      expect(await post(signed, '{"code":')).toBe(400);
      const failure = JSON.stringify({
        code: 531,
        msg: 'refunded',
        data: { task_id: `${taskId}-2`, images: null },
      });
      expect(await post(await signCoverCallback({ taskId: `${taskId}-2`, secret }), failure)).toBe(
        200,
      );
      let events: unknown[] = [];
      for (let i = 0; i < 50 && events.length < 2; i++) {
        events = (await (await fetch(`${url}/events`)).json()) as unknown[];
        if (events.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(events).toEqual([
        { type: 'succeeded', taskId, images: ['https://cdn.example/1.png'] },
        { type: 'failed', taskId: `${taskId}-2`, code: 531, refunded: true },
      ]);
    });
  });
}
