/**
Receiver throughput under bounded load: 50 connections on 127.0.0.1 against the bare
node:http floor and suno-cover's receiver (verification on), alternated round by round.
Every request is a distinct, validly signed callback.
*/
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { signCoverCallback } from 'suno-cover';
import { secret, successBody, taskIdOf } from './fixtures.mjs';
import { summary } from './lib.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

async function start(file) {
  const child = fork(here(file), { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const port = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}/hook` };
}

async function load(url, shots, duration) {
  let k = 0;
  const result = await autocannon({
    url,
    connections: 50,
    duration,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const shot = shots[k++ % shots.length];
          return { ...request, headers: shot.headers, body: shot.body };
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    total: result.requests.total,
  };
}

export async function receiver({ duration = 10, rounds = 2 } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const shots = await Promise.all(
    Array.from({ length: 50_000 }, async (_, i) => ({
      body: successBody(i),
      headers: {
        'content-type': 'application/json',
        ...(await signCoverCallback({ taskId: taskIdOf(i), secret, timestamp: now })),
      },
    })),
  );
  const runs = { bare: [], suno: [] };
  for (let round = 0; round < rounds; round++) {
    for (const name of round % 2 ? ['suno', 'bare'] : ['bare', 'suno']) {
      const server = await start(`./servers/${name}.mjs`);
      runs[name].push(await load(server.url, shots, duration));
      server.child.kill();
    }
  }
  const pick = (name, key) => summary(runs[name].map((run) => run[key]));
  return {
    bare: { rps: pick('bare', 'rps'), p50: pick('bare', 'p50'), p99: pick('bare', 'p99') },
    suno: { rps: pick('suno', 'rps'), p50: pick('suno', 'p50'), p99: pick('suno', 'p99') },
    failures: Object.values(runs)
      .flat()
      .reduce((sum, run) => sum + run.non2xx + run.errors, 0),
  };
}
