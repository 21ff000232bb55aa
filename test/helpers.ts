import { type ClientOptions, SunoCover } from 'suno-cover';
import {
  type CoverSimulator,
  type CoverSimulatorOptions,
  createCoverSimulator,
} from 'suno-cover/testing';
import { afterEach } from 'vitest';

const open: CoverSimulator[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((sim) => sim.close()));
});

/** Starts a simulator (closed after the test) and a client pointed at it. */
export async function setup(
  simOptions: CoverSimulatorOptions = {},
  clientOptions: ClientOptions = {},
): Promise<{ sim: CoverSimulator; suno: SunoCover }> {
  const sim = await createCoverSimulator(simOptions);
  open.push(sim);
  const suno = new SunoCover({ apiKey: sim.apiKey, baseUrl: sim.url, ...clientOptions });
  return { sim, suno };
}

/** Settles a promise into its rejection reason; fails when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** Requests the simulator received on one path. */
export function requestsTo(sim: CoverSimulator, path: string) {
  return sim.requests.filter((request) => request.path === path);
}
