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

/** Secrets shorter than this are redacted only where they stand alone, not inside words. */
const minSecretLength = 6;

/** Replaces every secret, `Bearer …` credential and `token=` query value in a text. */
export type Redact = (text: string) => string;

export function createRedact(secrets: readonly (string | undefined)[]): Redact {
  const given = secrets.filter((secret): secret is string => secret !== undefined && secret !== '');
  const long = given.filter((secret) => secret.length >= minSecretLength);
  // A short secret ('k' in a test) replaced everywhere would mangle every word that holds it.
  const short = given
    .filter((secret) => secret.length < minSecretLength)
    .map(
      (secret) =>
        new RegExp(`(?<![\\w-])${secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`, 'g'),
    );
  return (text) => {
    let out = text;
    for (const secret of long) if (out.includes(secret)) out = out.replaceAll(secret, '[redacted]');
    for (const pattern of short) out = out.replace(pattern, '[redacted]');
    if (out.includes('earer ')) out = out.replace(/\b(Bearer\s+)[^\s"',;]+/gi, '$1[redacted]');
    if (out.includes('token=')) out = out.replace(/([?&]token=)[^&#\s"']+/g, '$1[redacted]');
    return out;
  };
}

/** A URL for display: the callback token in its query is redacted. */
export function displayUrl(url: string): string {
  return url.includes('token=') ? url.replace(/([?&]token=)[^&#\s"']+/g, '$1[redacted]') : url;
}

export interface Log {
  /** Whether `debug` lines are written: hot paths check it before building a line. */
  readonly debugEnabled: boolean;
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

export function createLog(logger: Logger, level: LogLevel, redact: Redact): Log {
  const rank = logLevels.indexOf(level);
  const write =
    (name: Exclude<LogLevel, 'off'>) =>
    (message: string): void => {
      if (logLevels.indexOf(name) > rank) return;
      try {
        logger[name](redact(`suno-cover: ${message}`));
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
