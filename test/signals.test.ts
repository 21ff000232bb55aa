/**
One caller signal shared by many requests: the tracker passes its own to every poll. Node
warns of a leak past 10 listeners on one EventTarget, so the request layer links each
request to the shared signal through a single listener.
*/
import { describe, expect, it } from 'vitest';
import { rejection, setup } from './helpers.js';

describe('a signal shared by many requests', () => {
  it('polls 24 tasks at once without a MaxListenersExceededWarning', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      const { sim, suno } = await setup(
        { latency: 150, pendingMs: 50, generatingMs: 50 },
        { pollInterval: 100, maxConcurrentPolls: 24, maxPollsPerSecond: 1000 },
      );
      const tasks = await Promise.all(
        Array.from({ length: 24 }, (_, i) => suno.covers.generate({ taskId: `music-${i}` })),
      );
      const results = await Promise.all(tasks.map((task) => task.wait()));
      expect(results.every((result) => result.images.length === 2)).toBe(true);
      expect(
        sim.requests.filter((request) => request.path.endsWith('/record-info')).length,
      ).toBeGreaterThanOrEqual(24);
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('still aborts every request on the shared signal, each with its reason', async () => {
    const { suno } = await setup({ latency: 5_000 });
    const controller = new AbortController();
    const calls = Array.from({ length: 12 }, () =>
      rejection(suno.covers.get('some-task', { signal: controller.signal })),
    );
    const reason = new Error('stop');
    setTimeout(() => controller.abort(reason), 50);
    expect(await Promise.all(calls)).toEqual(Array(12).fill(reason));
  });
});
