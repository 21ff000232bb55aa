import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode, encode, type SourceMapLine } from '@jridgewell/sourcemap-codec';
import { defineConfig, type Options } from 'tsup';

/**
The published maps point only at files in the package: our own sources, shipped under src/
(so a stack trace names a file that exists, and no map needs to embed its sources). The
bundled dependencies are left out of the maps: their frames stay in dist/, readable and
present, instead of naming `../node_modules/…` paths that the package does not have.
A map left with no source is deleted along with its `sourceMappingURL` comment.
*/
function trimSourceMaps(format: 'esm' | 'cjs' | 'cli'): void {
  // Each build trims its own maps only: the others may still be writing.
  const ours = (name: string) =>
    name.endsWith('.map') &&
    name.startsWith('cli') === (format === 'cli') &&
    name.endsWith('.cjs.map') === (format === 'cjs');
  for (const file of readdirSync('dist', { recursive: true, encoding: 'utf8' }).filter(ours)) {
    const path = join('dist', file);
    const map = JSON.parse(readFileSync(path, 'utf8')) as { sources: string[]; mappings: string };
    const kept = map.sources.filter((source) => !source.includes('node_modules/'));
    const index = map.sources.map((source) => kept.indexOf(source));
    // Whether the last segment kept, on this line or an earlier one, maps to a source.
    let mapped = false;
    const mappings = decode(map.mappings).map((line) => {
      const out: SourceMapLine = [];
      for (const segment of line) {
        const source = segment.length === 1 ? -1 : (index[segment[1]] ?? -1);
        if (segment.length !== 1 && source >= 0) {
          segment[1] = source;
          out.push(segment);
          mapped = true;
        } else if (mapped) {
          // Unmapped code (a dependency's) ends the mapped range before it: one mark will do,
          // also across lines, since Node looks up a position on an earlier line when its own
          // line has no segment.
          out.push([segment[0]]);
          mapped = false;
        }
      }
      return out;
    });
    const code = path.slice(0, -'.map'.length);
    if (kept.length === 0) {
      rmSync(path);
      const text = readFileSync(code, 'utf8').replace(/\n\/\/# sourceMappingURL=\S+/g, '');
      writeFileSync(code, text);
      continue;
    }
    const { sourcesContent: _, ...rest } = map as typeof map & { sourcesContent?: unknown };
    writeFileSync(path, JSON.stringify({ ...rest, sources: kept, mappings: encode(mappings) }));
  }
}

const shared: Options = {
  entry: {
    index: 'src/index.ts',
    'testing/index': 'src/testing/index.ts',
    'node/index': 'src/node/index.ts',
    'redis/index': 'src/redis/index.ts',
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
  {
    ...shared,
    format: 'esm',
    splitting: true,
    dts: true,
    onSuccess: async () => trimSourceMaps('esm'),
  },
  // CJS splitting is experimental in tsup: one file, where the lazily imported ky and
  // p-retry become lazily initialised modules inside it.
  {
    ...shared,
    format: 'cjs',
    splitting: false,
    dts: true,
    onSuccess: async () => trimSourceMaps('cjs'),
  },
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
    onSuccess: async () => trimSourceMaps('cli'),
  },
]);
