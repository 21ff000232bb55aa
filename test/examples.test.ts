/**
The examples run as users would run them, pointed at the simulator through the same
environment variables a real deployment uses.
*/
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { setup } from './helpers.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

async function example(file: string, arg: string, env: Record<string, string>) {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', `examples/${file}`, arg], {
    cwd: root,
    env: { ...process.env, ...env },
    timeout: 20_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
}

it('runs generate-and-wait against the simulator and prints the images', async () => {
  const { sim } = await setup({ pendingMs: 20, generatingMs: 20 });
  const env = { SUNO_API_KEY: sim.apiKey, SUNO_BASE_URL: sim.url, POLL_INTERVAL: '200' };
  const printed = await example('generate-and-wait.ts', 'music-42', env);
  expect(printed.images).toHaveLength(2);
  expect(sim.task(printed.taskId)?.parentTaskId).toBe('music-42');
});

it('resumes a task by id with resume-task', async () => {
  const { sim, suno } = await setup({ pendingMs: 20, generatingMs: 20 });
  const task = await suno.covers.generate({ taskId: 'music-7' });
  suno.close();
  const printed = await example('resume-task.ts', task.taskId, {
    SUNO_API_KEY: sim.apiKey,
    SUNO_BASE_URL: sim.url,
  });
  expect(printed).toMatchObject({ taskId: task.taskId, parentTaskId: 'music-7' });
  expect(printed.images).toEqual(sim.task(task.taskId)?.images);
});

it('runs the demo offline and saves its images through downloadCovers, retrying a dropped download', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'suno-cover-demo-'));
  try {
    // tsx by path: the run is outside the repo, where `--import tsx` would not resolve.
    const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;
    const { stdout } = await run(
      process.execPath,
      ['--import', tsx, join(root, 'examples/demo.ts')],
      {
        cwd,
        env: { ...process.env, NO_COLOR: '1' },
        timeout: 30_000,
      },
    );
    const files = readdirSync(join(cwd, 'covers'));
    expect(files).toHaveLength(4);
    expect(files.every((name) => /^[0-9a-f]+-[12]\.png$/.test(name))).toBe(true);
    expect(stdout).toContain(
      '4 images saved with 5 image requests: the dropped download was retried',
    );
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

it('runs multi-instance: a callback on instance 2 settles a wait on instance 3, and the listener runs once', async () => {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'examples/multi-instance/index.ts'],
    {
      cwd: root,
      env: { ...process.env, REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
      timeout: 20_000,
    },
  );
  const printed = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
  expect(printed.waited).toBe('instance-3');
  expect(printed.images).toHaveLength(2);
  // Once in the fleet: on whichever instance settled it (the callback's, or the poller's).
  expect(printed.listenerRanOn).toHaveLength(1);
});
