import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'testing/index': 'src/testing/index.ts',
    'node/index': 'src/node/index.ts',
  },
  // The subpaths import the main entry by name, so that CJS and ESM alike share one copy of
  // the classes (instanceof works across entries).
  external: ['suno-cover'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  // The core runs on edge runtimes and browsers too, so nothing newer than ES2022.
  target: 'es2022',
  splitting: true,
  treeshake: true,
});
