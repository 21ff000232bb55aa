/**
The package as users get it: `npm pack` of the built dist, installed into an empty app in
a temporary directory outside the repo (inside it, tsconfig paths and vitest aliases would
resolve `suno-cover` to src/).
*/
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

export interface PackedApp {
  /** The temporary directory that holds the tarball and the app. */
  work: string;
  tarball: string;
  /** The app directory, with suno-cover installed from the tarball. */
  app: string;
  /** The installed `suno-cover` command (node_modules/.bin). */
  bin: string;
  remove(): void;
}

/** Runs a command and returns its stdout; throws with its output when it fails. */
export const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });

/** Packs the package (building it first when dist is missing) and installs it in a new app. */
export function installPacked(): PackedApp {
  if (!existsSync(join(root, 'dist', 'cli', 'index.js'))) run('npm', ['run', 'build'], root);
  const work = mkdtempSync(join(tmpdir(), 'suno-cover-packed-'));
  const [packed] = JSON.parse(
    run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root),
  ) as { filename: string }[];
  const tarball = join(work, packed?.filename ?? '');
  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
  run(
    'npm',
    ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'],
    app,
  );
  return {
    work,
    tarball,
    app,
    bin: join(app, 'node_modules', '.bin', 'suno-cover'),
    remove: () => rmSync(work, { recursive: true, force: true }),
  };
}
