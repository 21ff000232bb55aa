import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

it('lets a script exit by itself once its wait has settled, with another task still tracked', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/fixtures/wait-and-exit.ts'], {
    cwd: root,
    encoding: 'utf8',
    // A leaked timer or socket would keep the script running until this kills it.
    timeout: 15_000,
  });
  expect(run.error).toBeUndefined();
  expect(run.signal).toBeNull();
  expect(run.status).toBe(0);
  const printed = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}');
  expect(printed).toMatchObject({ images: 2, source: 'poll', stats: { tracked: 1, scheduled: 1 } });
});
