/** Cold import: a fresh process per run, whole-process wall time, minus an empty process. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median, summary } from './lib.mjs';

const bench = fileURLToPath(new URL('.', import.meta.url));

const cases = {
  'empty process': ['--input-type=module', '-e', ''],
  'suno-cover (import)': ['--input-type=module', '-e', "await import('suno-cover')"],
  'suno-cover (require)': ['-e', "require('suno-cover')"],
  openai: ['--input-type=module', '-e', "await import('openai')"],
  stripe: ['--input-type=module', '-e', "await import('stripe')"],
  replicate: ['--input-type=module', '-e', "await import('replicate')"],
  '@fal-ai/client': ['--input-type=module', '-e', "await import('@fal-ai/client')"],
};

export function cold({ rounds = 11 } = {}) {
  const runs = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, args] of Object.entries(cases)) {
      const started = performance.now();
      const run = spawnSync(process.execPath, args, { cwd: bench, stdio: 'ignore' });
      if (run.status !== 0) throw new Error(`${name} failed to import`);
      runs[name].push(performance.now() - started);
    }
  }
  const empty = median(runs['empty process']);
  return Object.fromEntries(
    Object.entries(runs).map(([name, times]) => [name, summary(times.map((time) => time - empty))]),
  );
}
