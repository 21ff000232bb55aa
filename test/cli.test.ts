/**
The `suno-cover` command, as users run it: the packed package installed in an app outside
the repo, its `bin` started as a child process against the simulator over real sockets.
Every command and every exit code, with and without a terminal (a pseudo-terminal through
util-linux `script`), `--json` parsed, and Ctrl-C during a wait and during a download.
*/
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SunoCover, signCoverCallback } from 'suno-cover';
import { type CoverSimulatorOptions, coverPng, createCoverSimulator } from 'suno-cover/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { installPacked, type PackedApp, root } from './packed.js';

let packed: PackedApp;
beforeAll(() => {
  packed = installPacked();
}, 180_000);
afterAll(() => packed?.remove());

const children = new Set<ChildProcess>();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'suno-cover-cli-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function simulator(options: CoverSimulatorOptions = {}) {
  const sim = await createCoverSimulator({ pendingMs: 50, generatingMs: 100, ...options });
  cleanups.push(() => sim.close());
  return sim;
}

/** The environment of a child: ours without any SUNO_* or colour setting, plus `env`. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith('SUNO_') && name !== 'NO_COLOR' && name !== 'FORCE_COLOR',
    ),
  );
  return { ...base, ...env };
}

interface Running {
  child: ChildProcess;
  out: { stdout: string; stderr: string };
  exited: Promise<number | null>;
  /** Resolves when `stream` has printed something matching `pattern`. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpMatchArray>;
}

function start(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; tty?: boolean } = {},
): Running {
  const [command, argv] = options.tty
    ? ['script', ['-qec', [packed.bin, ...args].map(quote).join(' '), '/dev/null']]
    : [packed.bin, args];
  const child = spawn(command as string, argv as string[], {
    cwd: options.cwd ?? packed.app,
    env: childEnv(options.env ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const out = { stdout: '', stderr: '' };
  const waiters: (() => void)[] = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]?.setEncoding('utf8');
    child[stream]?.on('data', (chunk: string) => {
      out[stream] += chunk;
      for (const wake of waiters.splice(0)) wake();
    });
  }
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => {
      children.delete(child);
      for (const wake of waiters.splice(0)) wake();
      resolve(code);
    }),
  );
  return {
    child,
    out,
    exited,
    async waitFor(stream, pattern) {
      for (;;) {
        const match = out[stream].match(pattern);
        if (match) return match;
        if (child.exitCode !== null)
          throw new Error(`exited ${child.exitCode} before ${pattern}: ${JSON.stringify(out)}`);
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
}

async function run(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; tty?: boolean } = {},
) {
  const running = start(args, options);
  const code = await running.exited;
  return { code, ...running.out };
}

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;
const apiEnv = (sim: { url: string; apiKey: string }) => ({
  SUNO_BASE_URL: sim.url,
  SUNO_API_KEY: sim.apiKey,
});
/** Stderr holds one line (plus the final newline), and no stack trace. */
const oneLine = (stderr: string) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
};

async function listening(args: string[], env: Record<string, string> = {}) {
  const running = start(['listen', '--port', '0', '--path', '/hook', ...args], { env });
  const [, url] = await running.waitFor('stderr', /listening for callbacks on (\S+)/);
  return { running, url: url as string };
}
const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
const success = (taskId: string) =>
  JSON.stringify({ code: 200, msg: 'success', data: { taskId, images: ['https://x/1.png'] } });

describe('the suno-cover command: help and usage', () => {
  it('prints the version of the package with --version', async () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const result = await run(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('documents every command, the exit codes and an example in --help', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    for (const command of ['generate', 'status', 'wait', 'credits', 'listen', 'simulate'])
      expect(stdout).toContain(`  ${command}`);
    for (const exit of ['0 ', '1 ', '2 ', '3 ', '4 ', '130 '])
      expect(stdout).toContain(`  ${exit}`);
    expect(stdout.slice(stdout.indexOf('Example:'))).toMatch(/\n\s+suno-cover generate \w+ --wait/);
  });

  it('has --help with a usage line and an example for each command', async () => {
    for (const command of ['generate', 'status', 'wait', 'credits', 'listen', 'simulate']) {
      const { code, stdout } = await run([command, '--help']);
      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`^Usage: suno-cover ${command}`));
      expect(stdout).toMatch(new RegExp(`Example:\\n\\s+.*suno-cover ${command}`));
    }
  });

  it('exits 2 with one line for an unknown command, an unknown flag, a missing argument or a bad duration', async () => {
    const cases = [
      [['frobnicate'], /unknown command 'frobnicate'/],
      [['credits', '--frob'], /Unknown option '--frob'.*suno-cover credits --help/],
      [['status'], /status needs the cover task id/],
      [['wait', 'abc', '--timeout', 'soon'], /--timeout must be a duration/],
    ] as const;
    for (const [args, message] of cases) {
      const { code, stderr, stdout } = await run([...args], { env: { SUNO_API_KEY: 'k' } });
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
      oneLine(stderr);
      expect(stdout).toBe('');
    }
  });

  it('exits 2 and prints the help on stderr when run without a command', async () => {
    const { code, stdout, stderr } = await run([]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Usage: suno-cover <command>');
  });

  it('exits 2 without an API key, naming SUNO_API_KEY', async () => {
    const { code, stderr } = await run(['credits']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/no API key: set the SUNO_API_KEY environment variable/);
    oneLine(stderr);
  });
});

describe('the suno-cover command against the simulator', () => {
  it('generate prints the new cover task id, and --json one document', async () => {
    const sim = await simulator();
    const plain = await run(['generate', 'music-1'], { env: apiEnv(sim) });
    expect(plain.code).toBe(0);
    const taskId = plain.stdout.trim();
    expect(sim.task(taskId)?.parentTaskId).toBe('music-1');
    expect(plain.stderr).toContain(`submitted cover task ${taskId}`);

    const json = await run(['generate', 'music-1', '--json'], { env: apiEnv(sim) });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      taskId,
      parentTaskId: 'music-1',
      existing: true,
      callbackUrl: null,
    });
  });

  it('generate --wait waits, saves the images and prints their paths, in plain lines off a terminal', async () => {
    const sim = await simulator();
    const cwd = tempDir();
    const { code, stdout, stderr } = await run(
      ['generate', 'music-2', '--wait', '--poll-interval', '100ms'],
      { env: apiEnv(sim), cwd },
    );
    expect(code).toBe(0);
    const taskId = readdirSync(join(cwd, 'covers'))[0]?.split('-')[0] as string;
    expect(stdout.trim().split('\n')).toEqual([
      join('covers', `${taskId}-1.png`),
      join('covers', `${taskId}-2.png`),
    ]);
    expect(readFileSync(join(cwd, 'covers', `${taskId}-2.png`))).toEqual(coverPng(`${taskId}/2`));
    expect(stderr).toMatch(/succeeded after \d+s: 2 images/);
    expect(stderr).not.toContain('\r');
    expect(stderr).not.toContain('\x1b');
  });

  it('generate --wait --json prints exactly one JSON document with the images and files', async () => {
    const sim = await simulator();
    const dir = join(tempDir(), 'out');
    const { code, stdout } = await run(
      ['generate', 'music-3', '--wait', '--out', dir, '--poll-interval', '100ms', '--json'],
      { env: apiEnv(sim) },
    );
    expect(code).toBe(0);
    const document = JSON.parse(stdout);
    expect(document).toMatchObject({ parentTaskId: 'music-3', status: 'succeeded' });
    expect(document.images).toEqual(sim.task(document.taskId)?.images);
    expect(document.files).toEqual([1, 2].map((n) => join(dir, `${document.taskId}-${n}.png`)));
  });

  it('exits 1 with the code and message when the task fails', async () => {
    const sim = await simulator();
    sim.scenario('music-bad', { outcome: { code: 531 } });
    const plain = await run(['generate', 'music-bad', '--wait', '--poll-interval', '100ms'], {
      env: apiEnv(sim),
      cwd: tempDir(),
    });
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(
      /failed with code 531: .*credits refunded.*submitting again may work/,
    );
    expect(plain.stderr.trim().split('\n').at(-1)).toMatch(/^suno-cover: /);
    expect(plain.stderr).not.toMatch(/\n\s+at /);

    const taskId = sim.requests.find((r) => r.path.endsWith('record-info'))?.query.taskId ?? '';
    const json = await run(['wait', taskId, '--json'], { env: apiEnv(sim), cwd: tempDir() });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).error).toMatchObject({
      name: 'TaskFailedError',
      taskId,
      code: 531,
      refunded: true,
      exitCode: 1,
    });
  });

  it('exits 3 for an API key the host refuses, in one line without the key or a stack', async () => {
    const sim = await simulator();
    const { code, stderr, stdout } = await run(['credits'], {
      env: { SUNO_BASE_URL: sim.url, SUNO_API_KEY: 'wrong-key-1234' },
    });
    expect(code).toBe(3);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/the host refused the API key .*check SUNO_API_KEY/);
    expect(stderr).not.toContain('wrong-key-1234');
    oneLine(stderr);
  });

  it('shows the stack trace with --verbose', async () => {
    const sim = await simulator();
    const { code, stderr } = await run(['credits', '--verbose', '--api-key', 'nope'], {
      env: { SUNO_BASE_URL: sim.url },
    });
    expect(code).toBe(3);
    expect(stderr).toMatch(/AuthenticationError: .*\n\s+at /);
  });

  it('exits 3 for a host that cannot be reached, saying what to check', async () => {
    const { code, stderr } = await run(['credits'], {
      env: { SUNO_BASE_URL: 'http://127.0.0.1:9', SUNO_API_KEY: 'k' },
    });
    expect(code).toBe(3);
    expect(stderr).toMatch(/Check --base-url/);
    oneLine(stderr);
  });

  it('exits 4 when the wait times out, and says how to resume', async () => {
    const sim = await simulator({ pendingMs: 60_000 });
    const suno = new SunoCover({ apiKey: sim.apiKey, baseUrl: sim.url });
    const task = await suno.covers.generate({ taskId: 'music-slow' });
    suno.close();
    const { code, stderr } = await run(
      ['wait', task.taskId, '--timeout', '600ms', '--poll-interval', '100ms'],
      { env: apiEnv(sim), cwd: tempDir() },
    );
    expect(code).toBe(4);
    expect(stderr).toMatch(new RegExp(`run 'suno-cover wait ${task.taskId}' later`));
    expect(stderr).toMatch(/last status: pending/);
  });

  it('status prints a finished task, exits 1 for a failed one and 3 for an unknown one', async () => {
    const sim = await simulator({ pendingMs: 5, generatingMs: 5 });
    sim.scenario('music-f', { outcome: { code: 501 } });
    const suno = new SunoCover({ apiKey: sim.apiKey, baseUrl: sim.url });
    const good = await suno.covers.generate({ taskId: 'music-s' });
    const bad = await suno.covers.generate({ taskId: 'music-f' });
    suno.close();
    await sim.idle();

    const ok = await run(['status', good.taskId], { env: apiEnv(sim) });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^status\s+succeeded$/m);
    for (const url of sim.task(good.taskId)?.images ?? []) expect(ok.stdout).toContain(url);

    const json = await run(['status', good.taskId, '--json'], { env: apiEnv(sim) });
    expect(JSON.parse(json.stdout)).toMatchObject({ taskId: good.taskId, status: 'succeeded' });

    const failed = await run(['status', bad.taskId], { env: apiEnv(sim) });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/failed with code 501: Cover generation failed/);

    const unknown = await run(['status', 'no-such-task'], { env: apiEnv(sim) });
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/Record does not exist.*Check the task id/);
    oneLine(unknown.stderr);
  });

  it('credits prints the remaining credits, and --json a document', async () => {
    const sim = await simulator({ credits: 42.5 });
    const plain = await run(['credits'], { env: apiEnv(sim) });
    expect(plain).toMatchObject({ code: 0, stdout: '42.5\n' });
    const json = await run(['credits', '--json', '--base-url', sim.url], {
      env: { SUNO_API_KEY: sim.apiKey, SUNO_BASE_URL: 'http://127.0.0.1:9' },
    });
    expect(JSON.parse(json.stdout)).toEqual({ credits: 42.5, baseUrl: sim.url });
  });

  it('exits 3 when an image cannot be downloaded, leaving no file', async () => {
    const sim = await simulator();
    sim.fail('image', { status: 404, times: 10 });
    const dir = join(tempDir(), 'covers');
    const { code, stderr } = await run(
      ['generate', 'music-404', '--wait', '--out', dir, '--poll-interval', '100ms'],
      { env: apiEnv(sim) },
    );
    expect(code).toBe(3);
    expect(stderr).toMatch(/suno-cover: Downloading .* failed: HTTP 404/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('the suno-cover command on a terminal', () => {
  it.skipIf(!hasScript)('redraws one status line with a spinner and colour', async () => {
    const sim = await simulator({ pendingMs: 300, generatingMs: 300 });
    const { code, stdout } = await run(
      ['generate', 'music-tty', '--wait', '--poll-interval', '100ms'],
      { env: apiEnv(sim), cwd: tempDir(), tty: true },
    );
    expect(code).toBe(0);
    // The pseudo-terminal merges both streams: redraws, a spinner frame, colour, the paths.
    expect(stdout).toContain('\r\x1b[2K');
    expect(stdout).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏].*(pending|generating)/);
    expect(stdout).toContain('\x1b[32m✓\x1b[0m');
    expect(stdout).toMatch(/covers\/[0-9a-f]+-2\.png/);
  });

  it.skipIf(!hasScript)('honours NO_COLOR on a terminal: redraws, but no colour', async () => {
    const sim = await simulator({ pendingMs: 300, generatingMs: 300 });
    const { code, stdout } = await run(
      ['generate', 'music-nc', '--wait', '--poll-interval', '100ms'],
      { env: { ...apiEnv(sim), NO_COLOR: '1' }, cwd: tempDir(), tty: true },
    );
    expect(code).toBe(0);
    expect(stdout).toContain('\r\x1b[2K');
    // Only the redraw sequence (carriage return, erase line) is left: no colour codes.
    expect(stdout.replaceAll('\r\x1b[2K', '')).not.toContain('\x1b');
    expect(stdout).toContain('✓ saved 2 images');
  });
});

describe('Ctrl-C', () => {
  it('during --wait exits 130 at once and cleanly', async () => {
    const sim = await simulator({ pendingMs: 60_000 });
    const running = start(['generate', 'music-int', '--wait', '--poll-interval', '100ms'], {
      env: apiEnv(sim),
      cwd: tempDir(),
    });
    await running.waitFor('stderr', /pending/);
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(130);
    expect(running.out.stderr).toMatch(/suno-cover: interrupted/);
  });

  it('during a download exits 130 and leaves no partial file', async () => {
    const sim = await simulator();
    sim.failImage({ trickle: { bytes: 10, interval: 30 }, times: 2 });
    const dir = join(tempDir(), 'covers');
    const running = start(
      ['generate', 'music-dl', '--wait', '--out', dir, '--poll-interval', '100ms'],
      { env: apiEnv(sim) },
    );
    await running.waitFor('stderr', /saving 2 images/);
    const parts = () =>
      (existsSync(dir) ? readdirSync(dir) : []).filter((n) => n.endsWith('.part'));
    for (let i = 0; i < 400 && parts().length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(readdirSync(dir).some((name) => name.endsWith('.part'))).toBe(true);
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(130);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('suno-cover listen', () => {
  it('prints signed, forged and malformed callbacks as JSON lines and answers as the SDK does', async () => {
    const { running, url } = await listening(['--secret', 'hook-secret', '--json']);
    const signed = await post(
      url,
      success('task-a'),
      await signCoverCallback({ taskId: 'task-a', secret: 'hook-secret' }),
    );
    expect(signed.status).toBe(200);
    const forged = await post(
      url,
      success('task-b'),
      await signCoverCallback({ taskId: 'task-b', secret: 'guessed' }),
    );
    expect(forged.status).toBe(401);
    const malformed = await post(url, '{"code":200,', {});
    expect(malformed.status).toBe(400);
    const unsigned = await post(url, success('task-c'));
    expect(unsigned.status).toBe(401);
    const elsewhere = await fetch(url.replace('/hook', '/other'));
    expect(elsewhere.status).toBe(404);

    await running.waitFor('stdout', /(.*\n){5}/);
    const lines = running.out.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toMatchObject([
      {
        status: 200,
        accepted: true,
        signature: 'verified',
        taskId: 'task-a',
        outcome: 'succeeded',
        images: ['https://x/1.png'],
        duplicate: false,
      },
      {
        status: 401,
        accepted: false,
        signature: 'rejected',
        error: 'invalid_signature',
        taskId: 'task-b',
      },
      { status: 400, accepted: false, error: 'invalid_callback' },
      { status: 401, signature: 'rejected', error: 'missing_signature' },
      { status: 404, method: 'GET', path: '/other', error: 'not_found' },
    ]);
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(130);
  });

  it('receives the callbacks a host sends, in readable lines, noting repeats', async () => {
    const { running, url } = await listening([], { SUNO_WEBHOOK_SECRET: 'env-secret' });
    const sim = await simulator({ webhookHmacKey: 'env-secret' });
    sim.scenario('music-cb', { outcome: { code: 501 } });
    const suno = new SunoCover({ apiKey: sim.apiKey, baseUrl: sim.url, callbackUrl: url });
    const ok = await suno.covers.generate({ taskId: 'music-ok' });
    const bad = await suno.covers.generate({ taskId: 'music-cb' });
    suno.close();
    await sim.idle();
    const body = JSON.stringify(sim.callbacks[0]?.body);
    await post(url, body, sim.callbacks[0]?.headers);
    await running.waitFor('stdout', /a repeat/);
    const out = running.out.stdout;
    expect(out).toContain(`task ${ok.taskId} succeeded, 2 image(s)`);
    expect(out).toContain(`task ${bad.taskId} failed with code 501: Cover generation failed`);
    expect(out).toMatch(/POST \/hook {2}200 accepted · signature verified/);
    expect(sim.callbacks.every((attempt) => attempt.status === 200)).toBe(true);
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(130);
  });

  it('prints what a sender controls without escape sequences and at most 200 characters', async () => {
    const { running, url } = await listening([]);
    const sequence = '\u001b]0;owned\u0007\u001b[2J';
    await post(
      url,
      JSON.stringify({ code: 501, msg: `failed ${sequence}`, data: { taskId: `t-${sequence}` } }),
    );
    await post(url, JSON.stringify({ code: 'x', data: { taskId: 'y'.repeat(5_000) } }));
    await running.waitFor('stdout', /5000 characters|characters\)/);
    const out = running.out.stdout;
    expect(out).not.toContain('\u001b');
    expect(out).not.toContain('\u0007');
    expect(out).toContain('failed ?]0;owned??[2J');
    expect(out).not.toContain('y'.repeat(201));
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(130);
  });

  it('says a signed callback was not verified when it has no secret', async () => {
    const { running, url } = await listening(['--json']);
    const answer = await post(
      url,
      success('task-d'),
      await signCoverCallback({ taskId: 'task-d', secret: 'x' }),
    );
    expect(answer.status).toBe(200);
    await running.waitFor('stdout', /\n/);
    expect(JSON.parse(running.out.stdout)).toMatchObject({ signature: 'unchecked' });
    running.child.kill('SIGINT');
    await running.exited;
  });

  it('refuses a callback without the --token of its URL', async () => {
    const { running, url } = await listening(['--token', 'tok-123', '--json']);
    expect((await post(url, success('task-e'))).status).toBe(401);
    expect((await post(`${url}?token=tok-123`, success('task-e'))).status).toBe(200);
    await running.waitFor('stdout', /(.*\n){2}/);
    const lines = running.out.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toMatchObject([
      { status: 401, error: 'invalid_token', taskId: 'task-e' },
      { status: 200, accepted: true, taskId: 'task-e' },
    ]);
    expect(running.out.stdout).not.toContain('tok-123');
    running.child.kill('SIGINT');
    await running.exited;
  });

  it('exits 2 when the port is taken', async () => {
    const { running, url } = await listening([]);
    const port = new URL(url).port;
    const second = await run(['listen', '--port', port]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`port ${port} is in use`));
    running.child.kill('SIGINT');
    await running.exited;
  });
});

describe('suno-cover simulate', () => {
  it('runs the simulator, prints its URL and key, and serves a whole task', async () => {
    const running = start([
      'simulate',
      '--port',
      '0',
      '--pending',
      '50ms',
      '--generating',
      '50ms',
      '--json',
    ]);
    await running.waitFor('stdout', /}\n/);
    const { url, apiKey } = JSON.parse(running.out.stdout);
    expect(apiKey).toBe('sim-test-key');
    const suno = new SunoCover({ apiKey, baseUrl: url, pollInterval: 100 });
    const { images } = await suno.covers.generateAndWait({ taskId: 'music-sim' });
    suno.close();
    expect(images).toHaveLength(2);
    await running.waitFor('stderr', /GET \/api\/v1\/suno\/cover\/record-info/);
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(130);
  });

  it('signs the callbacks with --secret: generate --callback-url reaches listen, verified', async () => {
    const simulating = start([
      'simulate',
      '--port',
      '0',
      '--secret',
      'loop-key',
      '--json',
      '--pending',
      '50ms',
      '--generating',
      '50ms',
    ]);
    await simulating.waitFor('stdout', /}\n/);
    const { url, apiKey } = JSON.parse(simulating.out.stdout);
    const { running, url: hook } = await listening(['--secret', 'loop-key']);
    const generated = await run(
      [
        'generate',
        'music-loop',
        '--wait',
        '--callback-url',
        hook,
        '--poll-interval',
        '5s',
        '--json',
      ],
      { env: { SUNO_BASE_URL: url, SUNO_API_KEY: apiKey }, cwd: tempDir() },
    );
    expect(generated.code).toBe(0);
    const { taskId, files } = JSON.parse(generated.stdout);
    expect(files).toHaveLength(2);
    await running.waitFor('stdout', /succeeded, 2 image/);
    expect(running.out.stdout).toMatch(/200 accepted · signature verified/);
    expect(running.out.stdout).toContain(`task ${taskId} succeeded`);
    await simulating.waitFor('stderr', /callback → .* \(attempt 1\): 200/);
    for (const child of [running, simulating]) child.child.kill('SIGINT');
    expect(await Promise.all([running.exited, simulating.exited])).toEqual([130, 130]);
  });

  it('prints SUNO_BASE_URL and SUNO_API_KEY lines, and never a key from the environment', async () => {
    const running = start(['simulate', '--port', '0'], { env: { SUNO_API_KEY: 'real-key-999' } });
    await running.waitFor('stdout', /SUNO_API_KEY=.*\n/);
    expect(running.out.stdout).toMatch(/SUNO_BASE_URL=http:\/\/127\.0\.0\.1:\d+\n/);
    expect(running.out.stdout).toContain('SUNO_API_KEY=sim-test-key');
    expect(running.out.stdout).not.toContain('real-key-999');
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(143);
  });
});
