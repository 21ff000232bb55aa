/**
Bundle sizes: esbuild for the browser, minified, gzip -9; suno-cover from its packed tarball
installed in an app outside the repo, as users get it (inside the repo, the tsconfig paths
resolve `suno-cover` to src/).
*/

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const bench = fileURLToPath(new URL('.', import.meta.url));

async function size(contents, resolveDir = bench) {
  try {
    const result = await build({
      stdin: { contents, resolveDir, loader: 'js' },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    return gzipSync(result.outputFiles[0].contents, { level: 9 }).length;
  } catch {
    return undefined;
  }
}

/** Packs the built package and installs it into a new app in a temporary directory. */
function installPacked() {
  const work = mkdtempSync(join(tmpdir(), 'suno-cover-bench-'));
  const run = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: 'pipe' });
  const [packed] = JSON.parse(
    run(['pack', '--ignore-scripts', '--json', '--pack-destination', work], root),
  );
  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
  run(['install', join(work, packed.filename), '--no-audit', '--no-fund', '--prefer-offline'], app);
  return { app, remove: () => rmSync(work, { recursive: true, force: true }) };
}

export async function sizes() {
  const packed = installPacked();
  try {
    return await measure(packed.app);
  } finally {
    packed.remove();
  }
}

async function measure(app) {
  return {
    'suno-cover (main entry)': await size("export * from 'suno-cover';", app),
    'suno-cover (parse + verify only)': await size(
      "export { parseCoverCallback, verifyCoverCallback } from 'suno-cover';",
      app,
    ),
    'suno-cover (SunoCover only)': await size("export { SunoCover } from 'suno-cover';", app),
    'suno-cover (fetchCover only)': await size("export { fetchCover } from 'suno-cover';", app),
    'ky + zod/mini + p-retry + eventemitter3 (the floor)': await size(
      "export { default as ky } from 'ky'; export { default as pRetry } from 'p-retry'; export { EventEmitter } from 'eventemitter3'; import * as z from 'zod/mini'; export const s = z.object({ a: z.string() });",
      root,
    ),
    openai: await size("export * from 'openai';"),
    stripe: await size("export { default } from 'stripe';"),
    replicate: await size("export { default } from 'replicate';"),
    '@fal-ai/client': await size("export * from '@fal-ai/client';"),
  };
}
