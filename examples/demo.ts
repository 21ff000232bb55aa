/**
The suno-cover demo: a whole cover session on one machine, no network, no API key.
Run it with `npm run demo`.

It starts the built-in API simulator and a callback receiver on 127.0.0.1, submits cover
tasks for four music tracks and shows the SDK's unified task events as they happen: one
task finished by its callback, one whose callback is lost and is found by polling, one
that fails with code 531 (credits refunded), and a repeated submission that the host
answers with the existing task. Then it saves the images into ./covers/ with
`downloadCovers`, whose first attempt at one image fails on purpose and is retried.
*/
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { SunoCover, type TaskFailedError } from 'suno-cover';
import { downloadCovers, toNodeHandler } from 'suno-cover/node';
import { createCoverSimulator } from 'suno-cover/testing';

const tty = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number) => (text: string) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);
const dim = paint(2);
const bold = paint(1);
const red = paint(31);
const green = paint(32);
const yellow = paint(33);
const cyan = paint(36);

const started = Date.now();
const clock = () => dim(`[${((Date.now() - started) / 1000).toFixed(1).padStart(4)}s]`);

// The four tracks, and how the simulator will play each one out.
// The simulator signs its callbacks as kie.ai does; the client verifies them with the key.
const webhookSecret = 'demo-webhook-hmac-key';
const sim = await createCoverSimulator({
  pendingMs: 600,
  generatingMs: 1_200,
  webhookHmacKey: webhookSecret,
});
sim.scenario('music-midnight', { callback: 'drop', generatingMs: 1_800 });
sim.scenario('music-static', { outcome: { code: 531 }, generatingMs: 900 });

// A callback receiver on node:http; its port makes the callback URL.
const receiver = createServer();
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/suno-cover`;

// Polling every second so the demo is short; the default is 30 s, as the API's docs advise.
const suno = new SunoCover({
  apiKey: sim.apiKey,
  baseUrl: sim.url,
  callbackUrl,
  webhookSecret,
  pollInterval: 1_000,
});
receiver.on('request', toNodeHandler(suno));

const labels = new Map<string, string>();
const label = (taskId: string) => (labels.get(taskId) ?? '?').padEnd(9);
const line = (taskId: string, what: string, detail = '') =>
  console.log(
    `${clock()} ${bold(label(taskId))} ${dim(`${taskId.slice(0, 6)}…`)}  ${what.padEnd(tty ? 19 : 10)} ${detail}`,
  );

suno.on('submitted', (e) => {
  labels.set(e.taskId, e.parentTaskId.replace('music-', ''));
  line(
    e.taskId,
    cyan('submitted'),
    e.existing ? yellow('existing task: the host already had it, no credits spent') : '',
  );
});
suno.on('status', (e) => line(e.taskId, 'status', `${e.status} ${dim(`(seen by ${e.source})`)}`));
suno.on('callback', (e) => {
  if (e.duplicate) line(e.taskId, dim('callback'), dim('a repeat: nothing new dispatched'));
});
suno.on('succeeded', (e) =>
  line(e.taskId, green('succeeded'), `${e.images.length} images ${dim(`via ${e.source}`)}`),
);
suno.on('failed', (e) =>
  line(
    e.taskId,
    red('failed'),
    `code ${e.code}${e.refunded ? ', credits refunded' : ''} ${dim(`via ${e.source}`)}`,
  ),
);
suno.on('retry', (e) =>
  console.log(`${clock()} ${dim(`retrying ${e.endpoint} in ${e.delay} ms: ${e.error.message}`)}`),
);
suno.on('error', (e) => console.log(`${clock()} ${dim(`(${e.source}) ${e.error.message}`)}`));

const creditsBefore = await suno.credits();
console.log(
  `${bold('suno-cover demo')} ${dim('— the built-in simulator on 127.0.0.1: no network, no API key')}`,
);
console.log(dim(`  API simulator     ${sim.url}`));
console.log(dim(`  callback receiver ${callbackUrl}`));
console.log(
  dim('  pollInterval 1 s for the demo (the default is 30 s, as the API docs recommend)\n'),
);
console.log(`  ${bold('sunrise')}   finished by its callback`);
console.log(`  ${bold('midnight')}  its callback is lost: polling finds the result`);
console.log(`  ${bold('static')}    fails with code 531: credits refunded`);
console.log(`  ${bold('sunrise')}   submitted twice: the host answers with the existing task\n`);

let exitCode = 0;
try {
  const tasks = [
    await suno.covers.generate({ taskId: 'music-sunrise' }),
    await suno.covers.generate({ taskId: 'music-midnight' }),
    await suno.covers.generate({ taskId: 'music-static' }),
    await suno.covers.generate({ taskId: 'music-sunrise' }),
  ];
  const outcomes = await Promise.allSettled(tasks.map((task) => task.wait({ timeout: 30_000 })));

  const out = join(process.cwd(), 'covers');
  // The image host drops the first download: downloadCovers retries it.
  sim.fail('image', { reset: true });
  console.log(`\n${bold('Results')}`);
  const done = new Set<string>();
  let saved = 0;
  for (const [i, outcome] of outcomes.entries()) {
    const task = tasks[i];
    if (!task || done.has(task.taskId)) continue;
    done.add(task.taskId);
    const name = (task.parentTaskId ?? '').replace('music-', '');
    if (outcome.status === 'rejected') {
      const error = outcome.reason as TaskFailedError;
      console.log(`  ${red('✗')} ${name.padEnd(9)} ${error.message}`);
      continue;
    }
    const files = await downloadCovers(outcome.value, { dir: out });
    saved += files.length;
    console.log(
      `  ${green('✓')} ${name.padEnd(9)} ${files.map((file) => relative(process.cwd(), file)).join('  ')} ${dim(`(via ${outcome.value.source})`)}`,
    );
  }
  const downloads = sim.requests.filter((request) => request.path.startsWith('/images/')).length;
  console.log(
    dim(
      `\n${saved} images saved with ${downloads} image requests: the dropped download was retried`,
    ),
  );
  const creditsAfter = await suno.credits();
  console.log(
    dim(
      `\ncredits ${creditsBefore} → ${creditsAfter}: two covers paid, the 531 failure refunded, the repeat free`,
    ),
  );
} catch (error) {
  console.error(red(`demo failed: ${(error as Error).message}`));
  exitCode = 1;
} finally {
  suno.close();
  await sim.close();
  await new Promise((resolve) => receiver.close(resolve));
}
process.exitCode = exitCode;
