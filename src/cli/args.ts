/**
Reading the command line with node:util's `parseArgs` (no dependency): one option table
per command plus the global options, strict about unknown options and missing values.
*/
import { parseArgs } from 'node:util';

/** The exit codes, as `--help` and the README document them. */
export const ExitCode = {
  ok: 0,
  taskFailed: 1,
  usage: 2,
  api: 3,
  timeout: 4,
  interrupted: 130,
} as const;

/** A mistake on the command line: exit code 2, with a hint to the command's help. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(message);
    this.command = command;
  }
}

type OptionSpec = { type: 'string' | 'boolean'; short?: string; default?: string | boolean };

/** Options every command takes. */
export const globalOptions = {
  'api-key': { type: 'string' },
  'base-url': { type: 'string' },
  json: { type: 'boolean', default: false },
  verbose: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies Record<string, OptionSpec>;

export const commandOptions = {
  generate: {
    wait: { type: 'boolean', default: false },
    out: { type: 'string', default: './covers' },
    'callback-url': { type: 'string' },
    timeout: { type: 'string', default: '15m' },
    'poll-interval': { type: 'string', default: '10s' },
  },
  status: {},
  wait: {
    out: { type: 'string', default: './covers' },
    timeout: { type: 'string', default: '15m' },
    'poll-interval': { type: 'string', default: '10s' },
  },
  credits: {},
  listen: {
    port: { type: 'string', default: '3000' },
    host: { type: 'string', default: '127.0.0.1' },
    path: { type: 'string', default: '/' },
    secret: { type: 'string' },
    token: { type: 'string' },
  },
  simulate: {
    port: { type: 'string', default: '4010' },
    secret: { type: 'string' },
    pending: { type: 'string', default: '1s' },
    generating: { type: 'string', default: '3s' },
    credits: { type: 'string', default: '100' },
  },
} as const satisfies Record<string, Record<string, OptionSpec>>;

export type CommandName = keyof typeof commandOptions;

export function isCommand(name: string): name is CommandName {
  return Object.hasOwn(commandOptions, name);
}

/** The parsed options of one command, globals included. */
export type Parsed = {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
};

/** Parses the arguments after the command name. */
export function parse(command: CommandName, args: string[]): Parsed {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { ...globalOptions, ...commandOptions[command] },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Parsed['values'], positionals };
  } catch (error) {
    // parseArgs' messages are clear ("Unknown option '--x'"); only the hint is added.
    throw new UsageError((error as Error).message.replace(/\.?$/, ''), command);
  }
}

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Reads a duration: `500ms`, `30s`, `10m`, `1h`; a bare number is seconds. Returns ms. */
export function parseDuration(flag: string, value: string, command: CommandName): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(value.trim());
  const ms = match ? Number(match[1]) * (units[match[2] ?? 's'] as number) : Number.NaN;
  if (!(ms > 0) || ms > 2_147_483_647) {
    throw new UsageError(
      `--${flag} must be a duration such as 90s, 10m or 1h, got "${value}"`,
      command,
    );
  }
  return Math.round(ms);
}

/** Reads a TCP port (0 picks a free one). */
export function parsePort(value: string, command: CommandName): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--port must be a number from 0 to 65535, got "${value}"`, command);
  }
  return port;
}

/** The one positional a command needs, or a usage error that names it. */
export function onePositional(parsed: Parsed, command: CommandName, name: string): string {
  const [value, ...extra] = parsed.positionals;
  if (value === undefined || value.trim() === '') {
    throw new UsageError(`${command} needs the ${name}`, command);
  }
  if (extra.length > 0) {
    throw new UsageError(`${command} takes one ${name}, got also "${extra.join(' ')}"`, command);
  }
  return value.trim();
}

/** Refuses positionals a command does not take. */
export function noPositionals(parsed: Parsed, command: CommandName): void {
  if (parsed.positionals.length > 0) {
    throw new UsageError(
      `${command} takes no arguments, got "${parsed.positionals.join(' ')}"`,
      command,
    );
  }
}

/** A string option's value (they all have one after defaults, or are absent). */
export function text(parsed: Parsed, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
}
