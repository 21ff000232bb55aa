/**
Seeded chaos across a fleet of three instances on one Redis store: the simulator injects
faults into every endpoint and into callback delivery (drops, duplicates, contradictions,
delays); tasks are submitted on one instance, their callbacks land on another, and a third
waits. Every task must settle with the simulator's outcome on every waiter, with one
client-level terminal event per task across the fleet.
*/
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SunoCover, SunoCoverError, TaskFailedError } from 'suno-cover';
import { toNodeHandler } from 'suno-cover/node';
import { redisStore } from 'suno-cover/redis';
import { createCoverSimulator } from 'suno-cover/testing';
import { describe, expect, it } from 'vitest';
import { chance } from '../src/testing/chaos.js';
import { connectRedis } from './redis-clients.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const secret = 'whsec_fleet_chaos';
const tasksPerSeed = Number(process.env.FLEET_CHAOS_TASKS ?? 60);
const claimTimeout = 300;

describe('chaos across three instances sharing a Redis store', () => {
  for (const seed of [1, 2]) {
    it(`settles ${tasksPerSeed} tasks as the simulator decided, one terminal event each in the fleet (seed ${seed})`, async () => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      const prefix = `suno-cover-test:chaos-${process.pid}-${Date.now().toString(36)}-${seed}:`;
      const sim = await createCoverSimulator({
        seed: `fleet-chaos-${seed}`,
        credits: 100_000,
        pendingMs: 30,
        generatingMs: 250,
        webhookHmacKey: secret,
        callbackRetryDelays: [50, 150, 400],
        chaos: { seed, apiFaultRate: 0.1, callbackFaultRate: 0.6, delayMs: 500 },
      });
      const redis = await Promise.all([0, 1, 2].map(() => connectRedis('ioredis', redisUrl)));
      const servers: Server[] = [];
      const fleet: SunoCover[] = [];
      const urls: string[] = [];
      const terminal = new Map<string, string[]>();
      for (const connection of redis) {
        const suno = new SunoCover({
          apiKey: sim.apiKey,
          baseUrl: sim.url,
          webhookSecret: secret,
          pollInterval: 200,
          timeout: 300,
          maxRetries: 3,
          maxPollsPerSecond: 100,
          maxConcurrentPolls: 16,
          submitRate: { limit: 100_000, interval: 1_000 },
          store: redisStore(connection.client, { prefix, claimTimeout, pollLease: 400 }),
        });
        const record = (event: { type: string; taskId: string }) =>
          terminal.set(event.taskId, [...(terminal.get(event.taskId) ?? []), event.type]);
        suno.on('succeeded', record);
        suno.on('failed', record);
        const server = createServer(toNodeHandler(suno));
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        servers.push(server);
        urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);
        fleet.push(suno);
      }
      try {
        for (let i = 0; i < tasksPerSeed; i++) {
          const roll = chance(seed, `outcome:${i}`);
          sim.scenario(
            `music-${i}`,
            roll < 0.3
              ? {
                  outcome: {
                    code: [400, 408, 500, 501, 531][Math.floor(roll * 100) % 5] as number,
                  },
                }
              : { images: 1 + (Math.floor(roll * 100) % 3) },
          );
        }
        const runs = await Promise.all(
          Array.from({ length: tasksPerSeed }, async (_, i) => {
            const submitter = fleet[i % 3] as SunoCover;
            const waiter = fleet[(i + 1) % 3] as SunoCover;
            let taskId: string | undefined;
            for (let attempt = 0; attempt < 6 && !taskId; attempt++) {
              taskId = await submitter.covers
                .generate({ taskId: `music-${i}`, callBackUrl: urls[(i + 2) % 3] })
                .then(
                  (task) => task.taskId,
                  (error: unknown) => {
                    expect(error).toBeInstanceOf(SunoCoverError);
                    return undefined;
                  },
                );
            }
            if (!taskId) throw new Error(`music-${i} could not be submitted in 6 tries`);
            const outcome = await Promise.allSettled([
              waiter.covers.track(taskId).wait({ timeout: 30_000 }),
            ]);
            return { taskId, outcome: outcome[0] };
          }),
        );
        await sim.idle();
        // Listeners of a dead or slow claim would run within a claim timeout or two.
        await new Promise((resolve) => setTimeout(resolve, claimTimeout * 3));
        for (const { taskId, outcome } of runs) {
          const truth = sim.task(taskId);
          if (truth?.successFlag === 1) {
            expect(outcome?.status).toBe('fulfilled');
            if (outcome?.status === 'fulfilled') expect(outcome.value.images).toEqual(truth.images);
          } else {
            expect(outcome?.status).toBe('rejected');
            if (outcome?.status === 'rejected') {
              expect(outcome.reason).toBeInstanceOf(TaskFailedError);
              expect((outcome.reason as TaskFailedError).code).toBe(truth?.errorCode);
            }
          }
          expect([taskId, terminal.get(taskId)]).toEqual([
            taskId,
            [truth?.successFlag === 1 ? 'succeeded' : 'failed'],
          ]);
        }
        expect(unhandled).toEqual([]);
      } finally {
        for (const suno of fleet) suno.close();
        await Promise.all(
          servers.map(
            (server) =>
              new Promise((resolve) => {
                server.closeAllConnections();
                server.close(resolve);
              }),
          ),
        );
        await sim.close();
        const admin = redis[0]?.client as {
          keys(pattern: string): Promise<string[]>;
          del(...keys: string[]): Promise<number>;
        };
        const keys = await admin.keys(`${prefix}*`);
        if (keys.length > 0) await admin.del(...keys);
        await Promise.all(redis.map((connection) => connection.close()));
        process.off('unhandledRejection', onUnhandled);
      }
    }, 60_000);
  }
});
