/**
The `suno-cover` command line. It is built as its own file (dist/cli/index.js) that
imports the package by name, so it adds nothing to the library's entry points.
*/
import { createRequire } from 'node:module';
import {
  AuthenticationError,
  ConnectionError,
  DownloadError,
  InsufficientCreditsError,
  InvalidArgumentError,
  NotFoundError,
  RequestTimeoutError,
  SunoCoverError,
  TaskFailedError,
  TaskTimeoutError,
} from 'suno-cover';
import { type CommandName, ExitCode, globalOptions, isCommand, parse, UsageError } from './args.js';
import { commandHelp, programHelp } from './help.js';
import { listen } from './listen.js';
import { Output } from './output.js';
import { simulate } from './simulate.js';
import { type Context, credits, generate, status, wait } from './tasks.js';

const run: Record<CommandName, (context: Context) => Promise<number>> = {
  generate,
  status,
  wait,
  credits,
  listen,
  simulate,
};

/** The reason of an abort by a signal; its exit code is 128 + the signal's number. */
class Interrupted extends Error {
  override name = 'Interrupted';
  readonly exitCode: number;
  constructor(signal: 'SIGINT' | 'SIGTERM') {
    super(`interrupted by ${signal}`);
    this.exitCode = signal === 'SIGINT' ? ExitCode.interrupted : 143;
  }
}

function version(): string {
  // The package's own package.json, through its `exports` (from dist/cli or src/cli alike).
  return (createRequire(import.meta.url)('suno-cover/package.json') as { version: string }).version;
}

/** Finds the command: the first argument that is neither a flag nor a global flag's value. */
function findCommand(argv: string[]): number {
  const takesValue = new Set(
    Object.entries(globalOptions)
      .filter(([, spec]) => spec.type === 'string')
      .map(([name]) => `--${name}`),
  );
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') return i + 1 < argv.length ? i + 1 : -1;
    if (takesValue.has(arg)) i++;
    else if (!arg.startsWith('-')) return i;
  }
  return -1;
}

export async function main(argv: string[], signal: AbortSignal): Promise<number> {
  const json = argv.includes('--json');
  const verbose = argv.includes('--verbose');
  const out = new Output(process, { json });
  let command: CommandName | undefined;
  try {
    const at = findCommand(argv);
    const name = at === -1 ? undefined : (argv[at] as string);
    const rest = at === -1 ? argv : [...argv.slice(0, at), ...argv.slice(at + 1)];
    if (name === undefined) {
      if (rest.includes('--version') || rest.includes('-v')) {
        process.stdout.write(`${version()}\n`);
        return ExitCode.ok;
      }
      if (rest.includes('--help') || rest.includes('-h')) {
        process.stdout.write(`${programHelp(version())}\n`);
        return ExitCode.ok;
      }
      process.stderr.write(`${programHelp(version())}\n`);
      return ExitCode.usage;
    }
    if (!isCommand(name)) {
      throw new UsageError(
        `unknown command '${name}' (the commands are ${Object.keys(run).join(', ')})`,
      );
    }
    command = name;
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(`${commandHelp(name)}\n`);
      return ExitCode.ok;
    }
    const parsed = parse(name, rest);
    return await run[name]({ command: name, parsed, out, env: process.env, signal });
  } catch (error) {
    return fail(error, out, { verbose, signal, command });
  } finally {
    out.close();
  }
}

/** Reports an error as one line on stderr (and the `--json` document); returns the exit code. */
function fail(
  error: unknown,
  out: Output,
  {
    verbose,
    signal,
    command,
  }: { verbose: boolean; signal: AbortSignal; command: CommandName | undefined },
): number {
  if (signal.aborted) {
    const reason = signal.reason as Interrupted;
    if (command === 'listen' || command === 'simulate') out.info('stopped');
    else out.error('interrupted: nothing was left half-written');
    out.document({ error: { name: 'Interrupted', message: reason.message } });
    return reason.exitCode;
  }
  const [code, message] = describe(error, command);
  out.error(message);
  if (verbose && error instanceof Error) {
    out.detail(error.stack ?? String(error));
    if (error.cause instanceof Error) out.detail(`cause: ${error.cause.stack ?? error.cause}`);
  } else if (code === 1 && !(error instanceof SunoCoverError)) {
    out.detail('run again with --verbose for the stack trace');
  }
  if (out.json) {
    const fields = error instanceof Error ? { ...error, message: error.message } : {};
    out.document({ error: { name: (error as Error)?.name ?? 'Error', ...fields, exitCode: code } });
  }
  return code;
}

/** The exit code of an error, and one line that says what happened and what to do. */
function describe(error: unknown, command: CommandName | undefined): [number, string] {
  const help = command ? `suno-cover ${command} --help` : 'suno-cover --help';
  if (error instanceof UsageError) return [ExitCode.usage, `${error.message} (see ${help})`];
  if (error instanceof InvalidArgumentError)
    return [ExitCode.usage, `${error.message} (see ${help})`];
  if (error instanceof TaskFailedError) {
    return [
      ExitCode.taskFailed,
      `${error.message}${error.retryable ? '; submitting again may work' : ''}`,
    ];
  }
  if (error instanceof TaskTimeoutError) {
    return [
      ExitCode.timeout,
      `${error.message}. The task may still finish: run 'suno-cover wait ${error.taskId}' later`,
    ];
  }
  if (error instanceof RequestTimeoutError) return [ExitCode.timeout, error.message];
  if (error instanceof DownloadError) {
    return [
      error.reason === 'timeout' ? ExitCode.timeout : ExitCode.api,
      `${error.message}. Image URLs stay valid for days: 'suno-cover wait <coverTaskId>' downloads them again`,
    ];
  }
  if (error instanceof AuthenticationError) {
    return [
      ExitCode.api,
      `the host refused the API key (${error.msg || `code ${error.code}`}): check SUNO_API_KEY or --api-key, and --base-url`,
    ];
  }
  if (error instanceof InsufficientCreditsError) return [ExitCode.api, error.message];
  if (error instanceof NotFoundError) {
    return [
      ExitCode.api,
      `${error.message}. Check the task id (generate prints the cover task id) and --base-url`,
    ];
  }
  if (error instanceof ConnectionError) {
    return [ExitCode.api, `${error.message}. Check --base-url (or SUNO_BASE_URL) and the network`];
  }
  if (error instanceof SunoCoverError) return [ExitCode.api, error.message];
  return [
    ExitCode.taskFailed,
    `unexpected error: ${error instanceof Error ? error.message : String(error)}`,
  ];
}

const controller = new AbortController();
const onSignal = (name: 'SIGINT' | 'SIGTERM') => {
  // A second Ctrl-C does not wait for the clean-up.
  if (controller.signal.aborted) process.exit(new Interrupted(name).exitCode);
  controller.abort(new Interrupted(name));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

main(process.argv.slice(2), controller.signal).then((code) => {
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.exitCode = code;
});
