/**
The README's "Testing your app" snippet, run as a user would: copied into an app outside
the repository whose `suno-cover` is this package as built (its `exports` and `dist`).
*/
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const app = mkdtempSync(join(tmpdir(), 'suno-cover-readme-'));

afterAll(() => rmSync(app, { recursive: true, force: true }));

/** The first code block after a heading of the README. */
function snippetAfter(heading: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const from = readme.indexOf(heading);
  expect(from).toBeGreaterThan(-1);
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(from));
  expect(block).not.toBeNull();
  return (block as RegExpExecArray)[1] as string;
}

it("runs the README's testing snippet against the simulator in well under the 30 s poll interval", async () => {
  mkdirSync(join(app, 'node_modules'), { recursive: true });
  symlinkSync(root, join(app, 'node_modules', 'suno-cover'), 'dir');
  writeFileSync(join(app, 'package.json'), '{ "type": "module" }');
  // The snippet is TypeScript without annotations, so Node runs it as it is.
  writeFileSync(join(app, 'snippet.mjs'), snippetAfter('## Testing your app'));
  const started = Date.now();
  const { stdout } = await run(process.execPath, ['snippet.mjs'], { cwd: app, timeout: 15_000 });
  const elapsed = Date.now() - started;
  expect(stdout.trim().split('\n')).toEqual(['2', 'true true']);
  // Not a benchmark: only proof that it does not sit out the 30 s default poll interval.
  expect(elapsed).toBeLessThan(10_000);
});
