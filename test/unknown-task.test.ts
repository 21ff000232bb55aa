import { type ErrorEvent, NotFoundError, type StatusEvent } from 'suno-cover';
import { describe, expect, it } from 'vitest';
import { rejection, requestsTo, setup } from './helpers.js';

const recordInfoPath = '/api/v1/suno/cover/record-info';

describe('a task the host does not know yet', () => {
  it('settles the recorded live sequence: data null, then generating, then success', async () => {
    // As recorded from sunoapi.org: the first poll after generate found no record.
    const { sim, suno } = await setup(
      { unknownTask: 'null-data', pendingMs: 50, generatingMs: 500 },
      { pollInterval: 100 },
    );
    sim.scenario('music-1', { unknownMs: 250, callback: 'drop' });
    const statuses: StatusEvent[] = [];
    const errors: ErrorEvent[] = [];
    suno.on('status', (event) => statuses.push(event));
    suno.on('error', (event) => errors.push(event));
    const task = await suno.covers.generate({ taskId: 'music-1' });
    const early = await rejection(suno.covers.get(task.taskId));
    // covers.get() itself says what the host said, and does not invent a 404.
    expect(early).toBeInstanceOf(NotFoundError);
    expect((early as NotFoundError).code).toBe(200);
    expect((early as NotFoundError).message).toMatch(
      /no such record \(the host answered code 200 "success" with data: null\)/,
    );
    expect((early as NotFoundError).message).not.toMatch(/404/);

    const result = await task.wait({ timeout: 5_000 });
    expect(result.source).toBe('poll');
    expect(result.images).toHaveLength(2);
    expect(statuses.map((event) => event.status)).toEqual(['pending', 'generating']);
    expect(errors).toEqual([]);
    const answers = requestsTo(sim, recordInfoPath);
    expect(answers.length).toBeGreaterThanOrEqual(3);
  });

  it('tracks a resumed task through the grace period', async () => {
    const { sim, suno } = await setup(
      { unknownTask: 'code-422', pendingMs: 50, generatingMs: 50 },
      { pollInterval: 100 },
    );
    sim.scenario('music-2', { unknownMs: 300, callback: 'drop' });
    const submitted = await suno.covers.generate({ taskId: 'music-2' });
    suno.close();
    // Another client (a restarted process) resumes the task at once; its first poll finds nothing.
    const { suno: other } = await setup(
      {},
      { apiKey: sim.apiKey, baseUrl: sim.url, pollInterval: 100 },
    );
    const result = await other.covers.track(submitted.taskId).wait({ timeout: 5_000 });
    expect(result.taskId).toBe(submitted.taskId);
  });

  it('gives up with NotFoundError once the grace period has passed', async () => {
    const { suno } = await setup(
      { unknownTask: 'null-data' },
      { pollInterval: 100, unknownTaskGrace: 400 },
    );
    const errors: ErrorEvent[] = [];
    suno.on('error', (event) => errors.push(event));
    const started = Date.now();
    const error = await rejection(suno.covers.track('no-such-task').wait({ timeout: 5_000 }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.error).toBe(error);
    expect(suno.stats.tracked).toBe(0);
    expect(suno.stats.timerArmed).toBe(false);
  });

  it('believes the host at once with unknownTaskGrace: 0', async () => {
    const { sim, suno } = await setup({ unknownTask: 'code-404' }, { unknownTaskGrace: 0 });
    const error = await rejection(suno.covers.track('no-such-task').wait({ timeout: 5_000 }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(requestsTo(sim, recordInfoPath)).toHaveLength(1);
  });
});
