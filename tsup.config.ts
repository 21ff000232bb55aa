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
    /^cli[\\/]/.test(name) === (format === 'cli') &&
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
      const text = readFileSync(code, 'utf8').replace(/(^|\n)\/\/# sourceMappingURL=\S+/g, '');
      writeFileSync(code, text);
      continue;
    }
    const { sourcesContent: _, ...rest } = map as typeof map & { sourcesContent?: unknown };
    writeFileSync(path, JSON.stringify({ ...rest, sources: kept, mappings: encode(mappings) }));
  }
}

/** The public entries: their types are bundled, one declaration file per entry and format. */
const entries = {
  index: 'src/index.ts',
  'testing/index': 'src/testing/index.ts',
  'node/index': 'src/node/index.ts',
  'redis/index': 'src/redis/index.ts',
};

const shared: Options = {
  // The subpaths import the main entry by name, so that CJS and ESM alike share one copy of
  // the classes (instanceof works across entries).
  external: ['suno-cover'],
  // zod is bundled in, tree-shaken to what our schemas use: Node imports zod/mini's many
  // files in ~56 ms, which is most of a cold import (68 ms against 28 ms bundled, ESM;
  // bench/NOTES.md). It stays a dependency for the types. ky, p-retry (loaded with the first
  // request) and eventemitter3 are not bundled (tsup leaves dependencies external): their
  // fixes, ky's and p-retry's on the network path above all, reach users without a
  // release of ours, an app that uses them shares one copy, and the maps name only our sources.
  noExternal: ['zod'],
  sourcemap: true,
  // The core runs on edge runtimes and browsers too, so nothing newer than ES2022.
  target: 'es2022',
};

export default defineConfig([
  // ESM as one file per source module (every module an entry; zod in shared chunks): with
  // `sideEffects: false` a bundler then drops every module an app does not reach (an app
  // that only parses and verifies callbacks loads no client, zod, ky or p-retry), as it
  // does from src/. One bundled file could not be tree-shaken (25.5 KB for parse + verify).
  {
    ...shared,
    entry: ['src/**/*.ts', '!src/cli/**'],
    format: 'esm',
    splitting: true,
    dts: { entry: entries },
    onSuccess: async () => trimSourceMaps('esm'),
  },
  // CJS: one file per entry (require() loads it in one read); ky and p-retry stay lazy
  // import()s inside it, as in the ESM build.
  {
    ...shared,
    entry: entries,
    format: 'cjs',
    splitting: false,
    treeshake: true,
    dts: { entry: entries },
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
