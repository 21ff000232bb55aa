/**
What the command line prints, and where: results on stdout (or one JSON document with
`--json`), progress and diagnostics on stderr. On a terminal, progress is one status line
with a spinner and the elapsed time, redrawn in place; anywhere else it is one plain line
per change, nothing animated. Colour only on a terminal, and never with NO_COLOR set.
*/

/** Where output goes; `process` in the program, swappable for a test. */
export interface Streams {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** "12s", "3m 05s", "1h 02m": an elapsed time for people. */
export function formatElapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

export class Output {
  /** Progress is animated in place (stderr is a terminal that can redraw). */
  readonly live: boolean;
  readonly json: boolean;
  readonly #streams: Streams;
  readonly #color: boolean;
  #status: string | undefined;
  #since = Date.now();
  #timed = false;
  #frame = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(streams: Streams, options: { json: boolean }) {
    this.#streams = streams;
    this.json = options.json;
    const terminal = streams.stderr.isTTY === true && streams.env.TERM !== 'dumb';
    this.live = terminal;
    // https://no-color.org: set and not empty.
    this.#color = terminal && !streams.env.NO_COLOR;
  }

  paint(code: number, text: string): string {
    return this.#color ? `\x1b[${code}m${text}\x1b[0m` : text;
  }
  dim = (text: string) => this.paint(2, text);
  bold = (text: string) => this.paint(1, text);
  red = (text: string) => this.paint(31, text);
  green = (text: string) => this.paint(32, text);
  yellow = (text: string) => this.paint(33, text);

  /**
  Shows what is going on now. Live: the status line, redrawn with a spinner and the time
  since `since`; otherwise a plain line when the text changed (none with `--json`, whose
  callers read stdout only, unless stderr is a terminal).
  */
  status(text: string, since?: number): void {
    if (text === this.#status) return;
    // A new status line counts from now unless told otherwise; an update keeps its start.
    this.#since = since ?? (this.#status === undefined ? Date.now() : this.#since);
    // Off a terminal the time is only worth printing for a wait (it was given a start).
    this.#timed = since !== undefined;
    this.#status = text;
    if (!this.live) {
      const elapsed = this.#timed ? ` · ${formatElapsed(Date.now() - this.#since)}` : '';
      if (!this.json) this.#streams.stderr.write(`${text}${elapsed}\n`);
      return;
    }
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#draw(), 80);
      this.#timer.unref();
    }
    this.#draw();
  }

  /** Ends the status line with a final note (✓ or ✗), or a plain line off a terminal. */
  finish(text: string, ok = true): void {
    this.#stop();
    if (this.json && !this.live) return;
    const mark = ok ? this.green('✓') : this.red('✗');
    this.#streams.stderr.write(this.live ? `${mark} ${text}\n` : `${text}\n`);
  }

  /** A line of narrative on stderr, above the status line when there is one. */
  note(text: string): void {
    if (this.json && !this.live) return;
    this.#clear();
    this.#streams.stderr.write(`${text}\n`);
    if (this.#status !== undefined && this.#timer !== undefined) this.#draw();
  }

  /** A line on stderr whatever the mode: what a server prints once it runs. */
  info(text: string): void {
    this.#clear();
    this.#streams.stderr.write(`${text}\n`);
  }

  /** A result line on stdout (nothing with `--json`: the document carries it). */
  result(text: string): void {
    if (this.json) return;
    this.#clear();
    this.#streams.stdout.write(`${text}\n`);
    if (this.#timer !== undefined) this.#draw();
  }

  /** The one JSON document of `--json`, on stdout. */
  document(value: unknown): void {
    if (this.json) this.#streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** One JSON document per line, for commands that run until stopped (`listen`). */
  jsonLine(value: unknown): void {
    this.#streams.stdout.write(`${JSON.stringify(value)}\n`);
  }

  /** An error: one line on stderr, prefixed with the program's name. */
  error(text: string): void {
    this.#stop();
    this.#streams.stderr.write(`${this.red('suno-cover:')} ${text}\n`);
  }

  /** A raw block on stderr (a stack trace with `--verbose`). */
  detail(text: string): void {
    this.#stop();
    this.#streams.stderr.write(`${this.dim(text)}\n`);
  }

  /** Stops the spinner and clears the status line; nothing is left running. */
  close(): void {
    this.#stop();
  }

  #stop(): void {
    if (this.#timer !== undefined) {
      this.#clear();
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
    this.#status = undefined;
  }

  #clear(): void {
    if (this.live && this.#timer !== undefined) this.#streams.stderr.write('\r\x1b[2K');
  }

  #draw(): void {
    this.#frame = (this.#frame + 1) % frames.length;
    const elapsed = formatElapsed(Date.now() - this.#since);
    this.#streams.stderr.write(
      `\r\x1b[2K${this.paint(36, frames[this.#frame] as string)} ${this.#status ?? ''} ${this.dim(`· ${elapsed}`)}`,
    );
  }
}
