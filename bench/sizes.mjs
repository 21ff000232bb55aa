/** Bundle sizes: esbuild for the browser, minified, gzip -9; suno-cover from its package as users get it. */

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

export async function sizes() {
  return {
    'suno-cover (main entry)': await size("export * from 'suno-cover';"),
    'suno-cover (parse + verify only)': await size(
      "export { parseCoverCallback, verifyCoverCallback } from 'suno-cover';",
    ),
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
