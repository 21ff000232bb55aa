/**
The SDK's log: what it did (requests, retries, polls, callbacks) at `debug`/`info`, what
a user should fix at `warn`. Every line passes through `redact` first, so no API key,
webhook secret or callback token reaches a log whatever text carries it (a host that
echoes the Authorization header in its `msg` included).
*/

/** How much the SDK logs: each level includes the ones before it. */
export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug';

/** Where the SDK logs: `console`, or any logger with these four methods (pino, winston…). */
export interface Logger {
  error(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  debug(message: string, ...rest: unknown[]): void;
}

export const logLevels: readonly LogLevel[] = ['off', 'error', 'warn', 'info', 'debug'];

/** Secrets shorter than this are not searched for in text: they would match ordinary words. */
const minSecretLength = 6;

/** Replaces every secret, `Bearer …` credential and `token=` query value in a text. */
export type Redact = (text: string) => string;

export function createRedact(secrets: readonly (string | undefined)[]): Redact {
  const found = secrets.filter(
    (secret): secret is string => secret !== undefined && secret.length >= minSecretLength,
  );
  return (text) => {
    let out = text;
    for (const secret of found)
      if (out.includes(secret)) out = out.replaceAll(secret, '[redacted]');
    if (out.includes('earer ')) out = out.replace(/\b(Bearer\s+)[^\s"',;]+/gi, '$1[redacted]');
    if (out.includes('token=')) out = out.replace(/([?&]token=)[^&#\s"']*/g, '$1[redacted]');
    return out;
  };
}

/** A URL for display: the callback token in its query is redacted. */
export function displayUrl(url: string): string {
  return url.includes('token=') ? url.replace(/([?&]token=)[^&#\s"']*/g, '$1[redacted]') : url;
}

export interface Log {
  /** Whether `debug` lines are written: hot paths check it before building a line. */
  readonly debugEnabled: boolean;
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

export function createLog(logger: Logger, level: LogLevel, redact: Redact): Log {
  const rank = logLevels.indexOf(level);
  const write =
    (name: Exclude<LogLevel, 'off'>) =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (logLevels.indexOf(name) > rank) return;
      const line = redact(`suno-cover: ${message}`);
      try {
        if (fields === undefined) logger[name](line);
        else logger[name](line, redactFields(fields, redact));
      } catch {
        // A broken logger must not break a request or a callback answer.
      }
    };
  return {
    debugEnabled: rank >= logLevels.indexOf('debug'),
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
  };
}

function redactFields(fields: Record<string, unknown>, redact: Redact): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] =
      typeof value === 'string'
        ? redact(value)
        : value instanceof Error
          ? redact(value.message)
          : value;
  }
  return out;
}
