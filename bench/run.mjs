/**
npm run bench: every figure as a median over several rounds (min–max beside it), every
comparison a ratio measured side by side in this one run. Prints a table, writes
results.json and RESULTS.md (with NOTES.md appended).
*/
import { fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { cold } from './cold.mjs';
import { crossInstance } from './fleet.mjs';
import { fmt } from './lib.mjs';
import { dispatch, parse, verify } from './micro.mjs';
import { receiver } from './receiver.mjs';
import { sizes } from './sizes.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const quick = process.env.BENCH_QUICK === '1';
const child = (file, execArgv = []) =>
  new Promise((resolve, reject) => {
    const proc = fork(here(file), { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    proc.once('message', (message) => {
      resolve(message);
      proc.kill();
    });
    proc.once('exit', (code) => code && reject(new Error(`${file} exited with ${code}`)));
  });

const rows = [];
const range = (s, unit, digits) =>
  `${fmt(s.median, digits)} ${unit} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;
function row(group, what, figure, budget = '', met = undefined) {
  rows.push({
    group,
    what,
    figure,
    budget,
    verdict: met === undefined ? '' : met ? 'met' : 'MISSED',
  });
}
const log = (text) => process.stderr.write(`${text}\n`);

log('1/8 parse…');
const p = await parse();
const parseRatio = p.parseCoverCallback.median / p['JSON.parse'].median;
row('1. parse', 'JSON.parse of a 230-byte success body', range(p['JSON.parse'], 'ns'));
row('1. parse', 'parseCoverCallback (string in)', range(p.parseCoverCallback, 'ns'));
row('1. parse', 'ratio to JSON.parse', `${parseRatio.toFixed(2)}×`, '≤ 1.5×', parseRatio <= 1.5);

log('2/8 verify + parse…');
const v = await verify();
const floor = v['floor (node:crypto HMAC + compare + JSON.parse)'];
const ours = v['verifyCoverCallback + parseCoverCallback'];
const stripe = v['stripe webhooks.constructEvent'];
const sw = v['standardwebhooks verify'];
const web = await child('./webcrypto-child.mjs');
row('2. verify + parse', 'floor: node:crypto HMAC + compare + JSON.parse', range(floor, 'ns'));
row('2. verify + parse', 'verifyCoverCallback + parseCoverCallback (Node)', range(ours, 'ns'));
row(
  '2. verify + parse',
  'ratio to the floor',
  `${(ours.median / floor.median).toFixed(2)}×`,
  '≤ 1.3×',
  ours.median / floor.median <= 1.3,
);
row(
  '2. verify + parse',
  'stripe webhooks.constructEvent',
  range(stripe, 'ns'),
  'slower than ours',
  ours.median < stripe.median,
);
row(
  '2. verify + parse',
  'standardwebhooks verify',
  range(sw, 'ns'),
  'slower than ours',
  ours.median < sw.median,
);
for (const [name, s] of Object.entries(web)) row('2. verify + parse', name, range(s, 'ns'));

log('3/8 receiver throughput (autocannon, 50 connections)…');
const duration = quick ? 3 : 10;
const r = await receiver({ duration, rounds: quick ? 2 : 3 });
const throughput = r.suno.rps.median / r.bare.rps.median;
row(
  '3. receiver',
  `bare node:http (read, JSON.parse, 200), ${duration} s × rounds`,
  range(r.bare.rps, 'req/s', 0),
);
row('3. receiver', 'suno-cover toNodeHandler, verification on', range(r.suno.rps, 'req/s', 0));
row('3. receiver', 'ratio to bare', `${throughput.toFixed(2)}×`, '≥ 0.8×', throughput >= 0.8);
row('3. receiver', 'latency p50 / p99, bare', `${r.bare.p50.median} / ${r.bare.p99.median} ms`);
row(
  '3. receiver',
  'latency p50 / p99, suno-cover',
  `${r.suno.p50.median} / ${r.suno.p99.median} ms`,
);
row('3. receiver', 'non-2xx answers and errors', String(r.failures), '0', r.failures === 0);

log('4/8 dispatch…');
const d = await dispatch();
const distinct = d['callbacks.receive, distinct tracked tasks'];
const dup = d['callbacks.receive, duplicates'];
const perSecond = 1e9 / distinct.median;
row(
  '4. dispatch',
  'callbacks.receive, distinct tracked tasks',
  `${range(distinct, 'ns')} = ${Math.round(perSecond).toLocaleString('en')}/s`,
  '≥ 50 000/s',
  perSecond >= 50_000,
);
row(
  '4. dispatch',
  'callbacks.receive, duplicates',
  range(dup, 'ns'),
  'cheaper',
  dup.median < distinct.median,
);

log('5/8 scale…');
const s = await child('./scale-child.mjs', ['--expose-gc']);
row(
  '5. scale',
  `heap per tracked pending task (${s.tasks.toLocaleString('en')} tasks)`,
  `${Math.round(s.bytesPerTask)} B`,
  '≤ 2 048 B',
  s.bytesPerTask <= 2048,
);
row(
  '5. scale',
  'timers added by tracking them',
  String(s.timersAdded),
  '≤ 1 (constant)',
  s.timersAdded <= 1,
);
row(
  '5. scale',
  `busiest second of polls at the API (cap ${s.cap}/s, 2 000 tasks, 3 s)`,
  `${s.busiestSecond} (of ${s.polls})`,
  `≤ ${s.cap} (+1 for arrival jitter)`,
  s.busiestSecond <= s.cap + 1,
);

log('6/8 bundle sizes…');
const z = await sizes();
const kb = (bytes) => (bytes === undefined ? 'n/a' : `${(bytes / 1024).toFixed(2)} KB`);
const main = z['suno-cover (main entry)'];
const pv = z['suno-cover (parse + verify only)'];
// Issue 11's budgets, the same figures test/bundle.test.ts checks on the packed package.
row(
  '6. bundle',
  'suno-cover main entry, all dependencies, min + gzip',
  kb(main),
  '≤ 20 KB',
  main <= 20 * 1024,
);
row(
  '6. bundle',
  'an app importing only parseCoverCallback + verifyCoverCallback',
  kb(pv),
  '≤ 4 KB',
  pv <= 4 * 1024,
);
for (const [name, bytes] of Object.entries(z))
  if (name !== 'suno-cover (main entry)' && name !== 'suno-cover (parse + verify only)')
    row('6. bundle', name, kb(bytes));

log('7/8 cold import…');
const c = cold({ rounds: quick ? 5 : 11 });
const coldRatio = c['suno-cover (import)'].median / c.openai.median;
for (const [name, t] of Object.entries(c))
  if (name !== 'empty process')
    row('7. cold import', `${name}, over an empty process`, range(t, 'ms', 1));
row(
  '7. cold import',
  'ratio suno-cover / openai',
  `${coldRatio.toFixed(2)}×`,
  '≤ 0.5×',
  coldRatio <= 0.5,
);

log('8/8 many instances (Redis store)…');
const f = await crossInstance({ samples: quick ? 200 : 500 });
row(
  '8. many instances',
  'callback on A → wait() on B resolves, p50 / p99',
  `${fmt(f.p50)} / ${fmt(f.p99)} ms`,
  'p99 ≤ 10 ms',
  f.p99 <= 10,
);
row(
  '8. many instances',
  'Redis round trips per callback (settle / duplicate on the same instance)',
  `${fmt(f.perCallback)} / ${fmt(f.perDuplicate)}`,
  '≤ 3',
  f.perCallback <= 3,
);
row(
  '8. many instances',
  'fleet throughput, distinct callbacks over 3 instances in one process',
  `${Math.round(f.perSecond).toLocaleString('en')}/s`,
  '≥ 5 000/s',
  f.perSecond >= 5_000,
);

const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`;
const date = new Date().toISOString();
const widths = ['group', 'what', 'figure', 'budget', 'verdict'].map((key) =>
  Math.max(key.length, ...rows.map((line) => line[key].length)),
);
const line = (cells) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ');
console.log(`\nsuno-cover benchmarks — ${date}\n${machine}\n`);
console.log(line(['group', 'what', 'figure', 'budget', 'verdict']));
for (const item of rows)
  console.log(line([item.group, item.what, item.figure, item.budget, item.verdict]));

writeFileSync(
  here('./results.json'),
  `${JSON.stringify({ date, machine, rows, raw: { p, v, web, r, d, s, z, c, f } }, null, 2)}\n`,
);
const table = [
  '| group | what | figure | budget | verdict |',
  '|---|---|---|---|---|',
  ...rows.map(
    (item) =>
      `| ${item.group} | ${item.what} | ${item.figure} | ${item.budget} | ${item.verdict} |`,
  ),
].join('\n');
const notes = readFileSync(here('./NOTES.md'), 'utf8');
writeFileSync(
  here('./RESULTS.md'),
  `# Benchmark results\n\nMeasured ${date} on ${machine}, by \`npm run bench\`${quick ? ' (BENCH_QUICK=1: shorter rounds)' : ''}. Figures are medians over rounds with min–max; ratios are taken within this one run.\n\n${table}\n\n${notes}`,
);
log(`\nwrote bench/results.json and bench/RESULTS.md`);
