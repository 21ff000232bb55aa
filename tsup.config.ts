import { defineConfig, type Options } from 'tsup';

const shared: Options = {
  entry: {
    index: 'src/index.ts',
    'testing/index': 'src/testing/index.ts',
    'node/index': 'src/node/index.ts',
  },
  // The subpaths import the main entry by name, so that CJS and ESM alike share one copy of
  // the classes (instanceof works across entries).
  external: ['suno-cover'],
  // The dependencies are bundled in: Node 20 spends its import time per module file, and
  // zod alone is dozens of them (see bench/RESULTS.md). ky and p-retry land in a chunk of
  // their own that loads with the first request.
  noExternal: ['ky', 'zod', 'p-retry', 'is-network-error', 'eventemitter3'],
  sourcemap: true,
  // The core runs on edge runtimes and browsers too, so nothing newer than ES2022.
  target: 'es2022',
  treeshake: true,
};

export default defineConfig([
  { ...shared, format: 'esm', splitting: true, dts: true },
  // CJS splitting is experimental in tsup: one file, where the lazily imported ky and
  // p-retry become lazily initialised modules inside it.
  { ...shared, format: 'cjs', splitting: false, dts: true },
  // The command line: one ESM file of its own that imports the package by name, so the
  // library entries above are built exactly as without it (test/package.test.ts checks).
  {
    entry: { 'cli/index': 'src/cli/index.ts' },
    format: 'esm',
    external: ['suno-cover', 'suno-cover/node', 'suno-cover/testing'],
    banner: { js: '#!/usr/bin/env node' },
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    dts: false,
  },
]);
