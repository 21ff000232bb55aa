/**
Chaos: hundreds of tasks per seed against a simulator that injects seeded faults into
every endpoint and into callback delivery. Whatever happens, every task must settle
with exactly the outcome the simulator decided, once, for every waiter; nothing may leak,
crash or go over the poll rate cap.
*/
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SunoCover, SunoCoverError, TaskFailedError } from 'suno-cover';
import { toNodeHandler } from 'suno-cover/node';
import { createCoverSimulator } from 'suno-cover/testing';
import { describe, expect, it } from 'vitest';
import { chance } from '../src/testing/chaos.js';

const secret = 'whsec_chaos';
// `npm run test:soak` raises both; `npm test` keeps the run well under a minute.
const tasksPerSeed = Number(process.env.CHAOS_TASKS ?? 200);
const seeds = Array.from({ length: Number(process.env.CHAOS_SEEDS ?? 3) }, (_, i) => i + 1);
const maxPollsPerSecond = 150;

interface Problems {
  unhandled: unknown[];
  uncaught: unknown[];
  warnings: string[];
}

function watchProcess(): { problems: Problems; stop: () => void } {
  const problems: Problems = { unhandled: [], uncaught: [], warnings: [] };
  const onUnhandled = (reason: unknown) => problems.unhandled.push(reason);
  const onUncaught = (error: unknown) => problems.uncaught.push(error);
  const onWarning = (warning: Error) =>
    problems.warnings.push(`${warning.name}: ${warning.message}`);
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUncaught);
  process.on('warning', onWarning);
  return {
    problems,
    stop: () => {
      process.off('unhandledRejection', onUnhandled);
      process.off('uncaughtException', onUncaught);
      process.off('warning', onWarning);
    },
  };
}

/** Timers and sockets that keep this process alive. */
function handlesAlive(): { timers: number; sockets: number } {
  const active = process.getActiveResourcesInfo();
  return {
    timers: active.filter((name) => name === 'Timeout').length,
    sockets: active.filter((name) => name.startsWith('TCP')).length,
  };
}

async function chaosRun(seed: number) {
  const watch = watchProcess();
  const handlesBefore = handlesAlive();
  const sim = await createCoverSimulator({
    seed: `chaos-${seed}`,
    credits: 100_000,
    pendingMs: 30,
    generatingMs: 250,
    webhookHmacKey: secret,
    callbackRetryDelays: [50, 150, 400],
    chaos: { seed, apiFaultRate: 0.15, callbackFaultRate: 0.6, delayMs: 500 },
  });
  const receiver = createServer();
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

  // The client's own record of every poll it sent, and when.
  const polls: { taskId: string; at: number }[] = [];
  const suno = new SunoCover({
    apiKey: sim.apiKey,
    baseUrl: sim.url,
    callbackUrl,
    webhookSecret: secret,
    pollInterval: 100,
    timeout: 300,
    maxRetries: 3,
    maxPollsPerSecond,
    maxConcurrentPolls: 16,
    // The simulator takes any submit rate; this test is about faults, not pacing.
    submitRate: { limit: 100_000, interval: 1_000 },
    fetch: (request, init) => {
      const url = new URL(request.url);
      if (url.pathname.endsWith('/record-info'))
        polls.push({ taskId: url.searchParams.get('taskId') ?? '', at: Date.now() });
      return fetch(request, init);
    },
  });
  receiver.on('request', toNodeHandler(suno));

  const terminal = new Map<string, { type: string; at: number }[]>();
  const onTerminal = (event: { type: string; taskId: string; at: Date }) => {
    const list = terminal.get(event.taskId) ?? [];
    list.push({ type: event.type, at: event.at.getTime() });
    terminal.set(event.taskId, list);
  };
  suno.on('succeeded', onTerminal);
  suno.on('failed', onTerminal);
  let conflicts = 0;
  suno.on('conflict', () => conflicts++);

  // The simulator decides each outcome; the client must find exactly that one.
  for (let i = 0; i < tasksPerSeed; i++) {
    const roll = chance(seed, `outcome:${i}`);
    if (roll < 0.3) {
      sim.scenario(`music-${i}`, {
        outcome: { code: [400, 408, 500, 501, 531][Math.floor(roll * 100) % 5] as number },
      });
    } else {
      sim.scenario(`music-${i}`, { images: 1 + (Math.floor(roll * 100) % 3) });
    }
  }

  const runs = await Promise.all(
    Array.from({ length: tasksPerSeed }, async (_, i) => {
      // A user retries a failed submit; the API's idempotency makes it safe.
      let task: Awaited<ReturnType<typeof suno.covers.generate>> | undefined;
      for (let attempt = 0; attempt < 6 && !task; attempt++) {
        task = await suno.covers.generate({ taskId: `music-${i}` }).catch((error: unknown) => {
          expect(error).toBeInstanceOf(SunoCoverError);
          return undefined;
        });
      }
      if (!task) throw new Error(`music-${i} could not be submitted in 6 tries`);
      const outcomes = await Promise.allSettled([
        task.wait({ timeout: 30_000 }),
        task.wait({ timeout: 30_000 }),
      ]);
      return { task, outcomes };
    }),
  );

  suno.close();
  await sim.idle();
  await sim.close();
  await new Promise((resolve) => receiver.close(resolve));
  // Closed sockets release their handles on the next turns of the loop.
  await new Promise((resolve) => setTimeout(resolve, 100));
  watch.stop();
  return { sim, suno, runs, terminal, polls, conflicts, problems: watch.problems, handlesBefore };
}

describe('chaos', () => {
  for (const seed of seeds) {
    it(`settles ${tasksPerSeed} tasks exactly as the simulator decided, under seeded faults (seed ${seed})`, async () => {
      const { sim, suno, runs, terminal, polls, conflicts, problems, handlesBefore } =
        await chaosRun(seed);

      for (const { task, outcomes } of runs) {
        const truth = sim.task(task.taskId);
        expect(truth?.successFlag === 1 || truth?.successFlag === 3).toBe(true);
        // Every waiter got the same, right outcome.
        for (const outcome of outcomes) {
          if (truth?.successFlag === 1) {
            expect(outcome.status).toBe('fulfilled');
            if (outcome.status === 'fulfilled') expect(outcome.value.images).toEqual(truth.images);
          } else {
            expect(outcome.status).toBe('rejected');
            if (outcome.status === 'rejected') {
              expect(outcome.reason).toBeInstanceOf(TaskFailedError);
              expect((outcome.reason as TaskFailedError).code).toBe(truth?.errorCode);
            }
          }
        }
        // Exactly one terminal event, of the right kind.
        const events = terminal.get(task.taskId) ?? [];
        expect(events.map((event) => event.type)).toEqual([
          truth?.successFlag === 1 ? 'succeeded' : 'failed',
        ]);
        // Never polled after it settled.
        const settledAt = events[0]?.at ?? 0;
        expect(polls.filter((poll) => poll.taskId === task.taskId && poll.at > settledAt)).toEqual(
          [],
        );
      }

      // Polls never went over the cap in any one-second window (+1 for the window's edges).
      const times = polls.map((poll) => poll.at).sort((a, b) => a - b);
      let busiest = 0;
      for (let i = 0, j = 0; i < times.length; i++) {
        while ((times[i] as number) - (times[j] as number) >= 1_000) j++;
        busiest = Math.max(busiest, i - j + 1);
      }
      expect(busiest).toBeLessThanOrEqual(maxPollsPerSecond + 1);

      expect(problems).toEqual({ unhandled: [], uncaught: [], warnings: [] });
      expect(suno.stats).toMatchObject({
        tracked: 0,
        scheduled: 0,
        inFlight: 0,
        timerArmed: false,
      });
      // No timer and no socket is left holding the process (idle keep-alive sockets are unref'd).
      const handles = handlesAlive();
      expect(handles.timers).toBeLessThanOrEqual(handlesBefore.timers);
      expect(handles.sockets).toBeLessThanOrEqual(handlesBefore.sockets);

      const faults = runs.map(({ task }) => sim.task(task.taskId)?.callbackFault ?? 'none');
      const count = (kind: string) => faults.filter((fault) => fault === kind).length;
      console.log(
        `seed ${seed}: ${runs.length} tasks, ${polls.length} polls (busiest second ${busiest}), ${sim.callbacks.length} callback deliveries, ${conflicts} conflicts; callback faults: ${['drop', 'duplicate', 'contradict', 'delay', 'early', 'impatient'].map((kind) => `${kind} ${count(kind)}`).join(', ')}`,
      );
      // The run really exercised the faults it claims to survive.
      expect(count('drop') + count('contradict') + count('early')).toBeGreaterThan(10);
      expect(conflicts).toBeGreaterThan(0);
    }, 120_000);
  }
});
