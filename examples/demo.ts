/**
The suno-cover demo: a whole cover session against the built-in simulator, offline.
Run it with `npm run demo`.

It starts the simulator on 127.0.0.1, submits cover tasks, follows them with
`covers.get()` until they finish, shows a duplicate submission and a failure, and saves
the images under ./covers/.
*/
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { type CoverDetails, SunoCover, type SunoCoverError } from 'suno-cover';
import { createCoverSimulator } from 'suno-cover/testing';

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number) => (text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const dim = paint(2);
const green = paint(32);
const red = paint(31);
const bold = paint(1);

const started = Date.now();
const log = (text: string) =>
  console.log(`${dim(`[${((Date.now() - started) / 1000).toFixed(1).padStart(4)}s]`)} ${text}`);
const short = (id: string) => `${id.slice(0, 8)}…`;

const sim = await createCoverSimulator({ pendingMs: 400, generatingMs: 900 });
sim.scenario('music-refunded', { outcome: { code: 531 }, generatingMs: 600 });

const suno = new SunoCover({ apiKey: sim.apiKey, baseUrl: sim.url });
suno.on('retry', (event) =>
  log(dim(`retry ${event.attempt} of ${event.endpoint} in ${event.delay} ms`)),
);

console.log(
  bold('suno-cover demo') + dim(` — simulator at ${sim.url}, credits: ${await suno.credits()}\n`),
);

try {
  const music = ['music-sunrise', 'music-midnight', 'music-refunded'];
  const tasks = await Promise.all(music.map((taskId) => suno.covers.generate({ taskId })));
  for (const task of tasks)
    log(`submitted cover ${bold(short(task.taskId))} for ${task.parentTaskId}`);

  const again = await suno.covers.generate({ taskId: 'music-sunrise' });
  log(
    `submitted music-sunrise again → existing: ${again.existing}, same task ${short(again.taskId)} (no credits spent)`,
  );

  // Until the tracking layer lands, follow each task by hand with covers.get().
  const finished = await Promise.all(tasks.map((task) => follow(task.taskId)));

  const out = join(process.cwd(), 'covers');
  await mkdir(out, { recursive: true });
  console.log();
  for (const details of finished) {
    if (details.status === 'failed') {
      console.log(
        `${red('✗')} ${details.parentTaskId}: failed with ${details.errorCode} — ${details.errorMessage}`,
      );
      continue;
    }
    const files = await Promise.all(
      details.images.map(async (url, i) => {
        const file = join(out, `${details.parentTaskId}-${i + 1}.png`);
        await writeFile(file, new Uint8Array(await (await fetch(url)).arrayBuffer()));
        return relative(process.cwd(), file);
      }),
    );
    console.log(`${green('✓')} ${details.parentTaskId}: ${files.join(', ')}`);
  }
  console.log(dim(`\ncredits left: ${await suno.credits()} (the 531 failure was refunded)`));
} catch (error) {
  console.error(red(`demo failed: ${(error as SunoCoverError).message}`));
  process.exitCode = 1;
} finally {
  await sim.close();
}

async function follow(taskId: string): Promise<CoverDetails> {
  let last = '';
  for (;;) {
    const details = await suno.covers.get(taskId);
    if (details.status !== last) {
      last = details.status;
      const mark =
        details.status === 'succeeded'
          ? green(last)
          : details.status === 'failed'
            ? red(last)
            : last;
      log(`${short(taskId)} ${(details.parentTaskId ?? '').padEnd(15)} ${mark}`);
    }
    if (details.status === 'succeeded' || details.status === 'failed') return details;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
