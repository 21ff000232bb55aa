/** The commands that talk to the API: generate, status, wait, credits. */
import { relative, resolve, sep } from 'node:path';
import { type ClientOptions, type CoverTask, SunoCover } from 'suno-cover';
import { downloadCovers } from 'suno-cover/node';
import {
  type CommandName,
  noPositionals,
  onePositional,
  type Parsed,
  parseDuration,
  text,
  UsageError,
} from './args.js';
import { formatElapsed, type Output } from './output.js';

/** What every command runs with. */
export interface Context {
  command: CommandName;
  parsed: Parsed;
  out: Output;
  env: NodeJS.ProcessEnv;
  /** Aborted by Ctrl-C (SIGINT) or SIGTERM. */
  signal: AbortSignal;
}

/** A client configured from the flags, then the environment. */
export function client(context: Context, options: ClientOptions = {}): SunoCover {
  const { parsed, env, command } = context;
  const apiKey = text(parsed, 'api-key') ?? env.SUNO_API_KEY;
  if (!apiKey?.trim()) {
    throw new UsageError(
      'no API key: set the SUNO_API_KEY environment variable (or pass --api-key)',
      command,
    );
  }
  const baseUrl = text(parsed, 'base-url') ?? env.SUNO_BASE_URL;
  return new SunoCover({ apiKey, ...(baseUrl ? { baseUrl } : {}), ...options });
}

/** A path for people: relative when below the working directory. */
function display(path: string): string {
  const near = relative(process.cwd(), path);
  return near && !near.startsWith('..') && !near.startsWith(sep) ? near : path;
}

const short = (id: string) => (id.length > 16 ? `${id.slice(0, 12)}…` : id);

export async function generate(context: Context): Promise<number> {
  const { parsed, out, signal } = context;
  const musicTaskId = onePositional(parsed, 'generate', 'music task id');
  const wait = parsed.values.wait === true;
  const timeout = parseDuration('timeout', text(parsed, 'timeout') as string, 'generate');
  const pollInterval = parseDuration(
    'poll-interval',
    text(parsed, 'poll-interval') as string,
    'generate',
  );
  const callBackUrl = text(parsed, 'callback-url');
  const suno = client(context, { pollInterval });
  try {
    out.status(`submitting a cover task for music task ${musicTaskId}`);
    const task = await suno.covers.generate(
      { taskId: musicTaskId, ...(callBackUrl ? { callBackUrl } : {}) },
      { signal },
    );
    out.finish(
      task.existing
        ? `cover task ${task.taskId} already existed for music task ${musicTaskId} (no credits spent)`
        : `submitted cover task ${task.taskId} for music task ${musicTaskId}`,
    );
    if (!wait) {
      out.result(task.taskId);
      out.note(out.dim(`wait for it with: suno-cover wait ${task.taskId}`));
      out.document({
        taskId: task.taskId,
        parentTaskId: musicTaskId,
        existing: task.existing,
        callbackUrl: task.callbackUrl,
      });
      return 0;
    }
    return await waitAndSave(context, suno, task, timeout);
  } finally {
    suno.close();
  }
}

export async function wait(context: Context): Promise<number> {
  const { parsed } = context;
  const taskId = onePositional(parsed, 'wait', 'cover task id');
  const timeout = parseDuration('timeout', text(parsed, 'timeout') as string, 'wait');
  const pollInterval = parseDuration(
    'poll-interval',
    text(parsed, 'poll-interval') as string,
    'wait',
  );
  const suno = client(context, { pollInterval });
  try {
    return await waitAndSave(context, suno, suno.covers.track(taskId), timeout);
  } finally {
    suno.close();
  }
}

/** Waits with a live status, then saves the images to --out. */
async function waitAndSave(
  context: Context,
  suno: SunoCover,
  task: CoverTask,
  timeout: number,
): Promise<number> {
  const { out, signal, parsed } = context;
  const since = Date.now();
  out.status(`waiting for cover task ${short(task.taskId)}`, since);
  task.on('status', (event) => out.status(`${event.status}`, since));
  suno.on('retry', (event) =>
    out.note(
      out.dim(
        `retrying ${event.endpoint} in ${formatElapsed(event.delay)}: ${event.error.message}`,
      ),
    ),
  );
  suno.on('error', (event) => out.note(out.dim(`(${event.source}) ${event.error.message}`)));
  const result = await task.wait({ timeout, signal });
  const count = `${result.images.length} image${result.images.length === 1 ? '' : 's'}`;
  out.finish(`succeeded after ${formatElapsed(Date.now() - since)}: ${count}`);
  const dir = text(parsed, 'out') as string;
  out.status(`saving ${count} to ${dir}`);
  const files = await downloadCovers(result, { dir, signal });
  out.finish(`saved ${count} to ${display(resolve(dir)) || '.'}`);
  for (const file of files) out.result(display(file));
  out.document({
    taskId: result.taskId,
    parentTaskId: result.parentTaskId,
    status: 'succeeded',
    source: result.source,
    images: result.images,
    files,
  });
  return 0;
}

export async function status(context: Context): Promise<number> {
  const { parsed, out, signal } = context;
  const taskId = onePositional(parsed, 'status', 'cover task id');
  const suno = client(context);
  try {
    const details = await suno.covers.get(taskId, { signal });
    out.document(details);
    const rows: [string, string | number | null][] = [
      ['task', details.taskId],
      ['music task', details.parentTaskId],
      ['status', details.status],
      ['created', details.createTime?.toISOString() ?? null],
      ['completed', details.completeTime?.toISOString() ?? null],
    ];
    if (details.status === 'failed' || details.errorMessage) {
      rows.push(['error', `${details.errorCode ?? ''} ${details.errorMessage ?? ''}`.trim()]);
    }
    for (const [name, value] of rows) {
      if (value !== null && value !== undefined) out.result(`${name.padEnd(11)} ${value}`);
    }
    for (const [i, url] of details.images.entries()) {
      out.result(`${(i === 0 ? 'images' : '').padEnd(11)} ${url}`);
    }
    if (details.status === 'failed') {
      out.error(
        `cover task ${details.taskId} failed with code ${details.errorCode ?? 'unknown'}: ${
          details.errorMessage || 'no message'
        }`,
      );
      return 1;
    }
    return 0;
  } finally {
    suno.close();
  }
}

export async function credits(context: Context): Promise<number> {
  const { parsed, out, signal } = context;
  noPositionals(parsed, 'credits');
  const suno = client(context);
  try {
    const remaining = await suno.credits({ signal });
    out.result(String(remaining));
    out.document({ credits: remaining, baseUrl: suno.baseUrl });
    return 0;
  } finally {
    suno.close();
  }
}
