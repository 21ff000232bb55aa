/**
The scheduler's recovery for runtimes that drop a request's unfinished work (Cloudflare
Workers): `revive()` sets the timer again from the caller's context and polls again a task
whose poll was lost. On Node nothing is ever lost, so a poll that never settles stands in.
*/
import { afterEach, describe, expect, it } from 'vitest';
import { Scheduler } from '../src/internal/scheduler.js';

const open: Scheduler[] = [];
afterEach(() => {
  for (const scheduler of open.splice(0)) scheduler.close();
});

function scheduler(run: (taskId: string) => Promise<void>, staleAfter: number) {
  const made = new Scheduler({
    interval: 1000,
    jitter: 0,
    maxPause: 60_000,
    maxConcurrent: 1,
    maxPerSecond: 100,
    staleAfter,
    run,
  });
  open.push(made);
  return made;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Scheduler.revive()', () => {
  it('polls again a task whose poll was lost once it is older than staleAfter', async () => {
    const started: string[] = [];
    // The first poll of `a` never settles, as one started by an ended Workers request.
    const polls = scheduler((taskId) => {
      started.push(taskId);
      return started.length === 1 ? new Promise(() => {}) : Promise.resolve();
    }, 100);
    polls.schedule('a', 0);
    polls.schedule('b', 0);
    await sleep(30);
    // `a` holds the one slot: `b` waits behind it.
    expect(started).toEqual(['a']);
    expect(polls.inFlight).toBe(1);
    polls.revive();
    await sleep(30);
    expect(started).toEqual(['a']);
    await sleep(100);
    polls.revive();
    await sleep(50);
    expect(started.slice(1).sort()).toEqual(['a', 'b']);
    expect(polls.inFlight).toBe(0);
  });

  it('keeps a live poll in flight: nothing is polled twice before staleAfter', async () => {
    let calls = 0;
    let finish = () => {};
    const polls = scheduler(() => {
      calls++;
      return new Promise<void>((resolve) => {
        finish = resolve;
      });
    }, 10_000);
    polls.schedule('a', 0);
    await sleep(30);
    polls.revive();
    polls.revive();
    await sleep(30);
    expect(calls).toBe(1);
    finish();
    await sleep(10);
    expect(polls.inFlight).toBe(0);
    expect(polls.armed).toBe(false);
  });
});
