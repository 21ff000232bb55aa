/**
Packs the package as npm would publish it, checks it with publint and
@arethetypeswrong/cli, installs the tarball into an empty app and uses it there through
both `import` and `require` on this Node.
*/
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { build, buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, run } from './packed.js';

const bin = (name: string) => join(root, 'node_modules', '.bin', name);

let work: string;
let tarball: string;
let app: string;
let packedSize: number;
let unpackedSize: number;
/** The paths in the tarball, as `package/…`. */
const listing = () => run('tar', ['-tzf', tarball], root).trim().split('\n');

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'index.js'))) run('npm', ['run', 'build'], root);
  work = mkdtempSync(join(tmpdir(), 'suno-cover-pack-'));
  const [packed] = JSON.parse(
    run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root),
  ) as {
    filename: string;
    size: number;
    unpackedSize: number;
  }[];
  tarball = join(work, packed?.filename ?? '');
  packedSize = packed?.size ?? 0;
  unpackedSize = packed?.unpackedSize ?? 0;
  app = join(work, 'app');
  run('mkdir', ['-p', app], work);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
  run(
    'npm',
    ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'],
    app,
  );
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const script = (load: string) => `
${load}
const sim = await createCoverSimulator({ pendingMs: 5, generatingMs: 5 });
try {
  const suno = new SunoCover({ apiKey: sim.apiKey, baseUrl: sim.url });
  const task = await suno.covers.generate({ taskId: 'music-1' });
  await sim.idle();
  const details = await suno.covers.get(task.taskId);
  const parsed = parseCoverCallback({ code: 200, data: { taskId: task.taskId, images: details.images } });
  console.log(JSON.stringify({
    status: details.status,
    images: details.images.length,
    parsed: parsed.status,
    handler: typeof toNodeHandler(suno),
    error: new NotFoundError({ status: 404, code: 404, msg: '', endpoint: 'x', body: null }) instanceof SunoCoverError,
  }));
} finally {
  await sim.close();
}`;

const expected = {
  status: 'succeeded',
  images: 2,
  parsed: 'succeeded',
  handler: 'function',
  error: true,
};

/**
One process, both copies of the classes: errors thrown by a client of each copy, checked
with the classes of the other. Prints `[label, isInstance]` pairs.
*/
const crossCopyScript = (esmEntry: string, cjsEntry: string) => `
import { createRequire } from 'node:module';
const esm = await import('${esmEntry}');
const cjs = createRequire(import.meta.url)('${cjsEntry}');
const { createCoverSimulator } = await import('suno-cover/testing');
const sim = await createCoverSimulator({ unknownTask: 'code-404' });
const caught = async (run) => {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
};
const checks = [];
const check = (label, error, classes, names) => {
  for (const name of names) checks.push([label + ' instanceof ' + name, error instanceof classes[name]]);
};
try {
  const options = { apiKey: 'wrong-key', baseUrl: sim.url, maxRetries: 0 };
  const esmAuth = await caught(() => new esm.SunoCover(options).credits());
  const cjsAuth = await caught(() => new cjs.SunoCover(options).credits());
  const esmNotFound = await caught(() =>
    new esm.SunoCover({ ...options, apiKey: sim.apiKey }).covers.get('no-such-task'),
  );
  const cjsInvalid = await caught(() => new cjs.SunoCover({ apiKey: 'k', baseUrl: 'ftp://x' }));
  checks.push(['the copies differ', esm.ApiError !== cjs.ApiError]);
  check('ESM AuthenticationError', esmAuth, cjs, [
    'AuthenticationError', 'ApiError', 'SunoCoverError', 'RateLimitError', 'ConnectionError', 'InvalidArgumentError',
  ]);
  check('CJS AuthenticationError', cjsAuth, esm, [
    'AuthenticationError', 'ApiError', 'SunoCoverError', 'NotFoundError', 'ConnectionError',
  ]);
  check('ESM NotFoundError', esmNotFound, cjs, ['NotFoundError', 'ApiError', 'SunoCoverError', 'RateLimitError']);
  check('ESM NotFoundError', esmNotFound, esm, ['NotFoundError', 'ApiError', 'RateLimitError']);
  check('CJS InvalidArgumentError', cjsInvalid, esm, ['InvalidArgumentError', 'SunoCoverError', 'ApiError']);
  check('CJS InvalidArgumentError', cjsInvalid, cjs, ['InvalidArgumentError', 'ApiError']);
  checks.push(['a plain Error instanceof CJS SunoCoverError', new Error('x') instanceof cjs.SunoCoverError]);
  checks.push(['null instanceof ESM SunoCoverError', null instanceof esm.SunoCoverError]);
  checks.push(['names survive', [esmAuth.name, cjsAuth.name, esmNotFound.name, cjsInvalid.name].join()]);
} finally {
  await sim.close();
}
console.log(JSON.stringify(checks));
`;

const crossCopyChecks = {
  'the copies differ': true,
  'ESM AuthenticationError instanceof AuthenticationError': true,
  'ESM AuthenticationError instanceof ApiError': true,
  'ESM AuthenticationError instanceof SunoCoverError': true,
  'ESM AuthenticationError instanceof RateLimitError': false,
  'ESM AuthenticationError instanceof ConnectionError': false,
  'ESM AuthenticationError instanceof InvalidArgumentError': false,
  'CJS AuthenticationError instanceof AuthenticationError': true,
  'CJS AuthenticationError instanceof ApiError': true,
  'CJS AuthenticationError instanceof SunoCoverError': true,
  'CJS AuthenticationError instanceof NotFoundError': false,
  'CJS AuthenticationError instanceof ConnectionError': false,
  'ESM NotFoundError instanceof NotFoundError': true,
  'ESM NotFoundError instanceof ApiError': true,
  'ESM NotFoundError instanceof SunoCoverError': true,
  'ESM NotFoundError instanceof RateLimitError': false,
  'CJS InvalidArgumentError instanceof InvalidArgumentError': true,
  'CJS InvalidArgumentError instanceof SunoCoverError': true,
  'CJS InvalidArgumentError instanceof ApiError': false,
  'a plain Error instanceof CJS SunoCoverError': false,
  'null instanceof ESM SunoCoverError': false,
  'names survive': 'AuthenticationError,AuthenticationError,NotFoundError,InvalidArgumentError',
};

describe('the published package', () => {
  it('passes publint', () => {
    const output = run(
      bin('publint'),
      ['run', '--strict', '--pack', 'false', join(app, 'node_modules', 'suno-cover')],
      root,
    );
    expect(output).toMatch(/All good!/);
  });

  it('passes @arethetypeswrong/cli for every resolution: node10, node16 from CJS and ESM, bundler', () => {
    // attw exits non-zero on any problem, which fails `run`; the default profile checks all four.
    const output = run(bin('attw'), [tarball, '--format', 'ascii'], root);
    for (const entry of ['"suno-cover"', '"suno-cover/testing"', '"suno-cover/node"']) {
      const section = output.slice(output.indexOf(entry)).split('***')[0];
      expect(section).toMatch(/node10: 🟢/);
      expect(section).toMatch(/node16 \(from CJS\): 🟢 \(CJS\)/);
      expect(section).toMatch(/node16 \(from ESM\): 🟢 \(ESM\)/);
      expect(section).toMatch(/bundler: 🟢/);
    }
  });

  it('type-checks an app importing every entry under moduleResolution node10, node16 and bundler', () => {
    writeFileSync(
      join(app, 'entries.ts'),
      [
        "import { NotFoundError, SunoCover } from 'suno-cover';",
        "import { toNodeHandler } from 'suno-cover/node';",
        "import { createCoverSimulator } from 'suno-cover/testing';",
        'export const entries = [SunoCover, NotFoundError, createCoverSimulator, toNodeHandler] as const;',
      ].join('\n'),
    );
    const configs = Object.entries({ node10: 'commonjs', node16: 'node16', bundler: 'esnext' }).map(
      ([moduleResolution, module]) => {
        const compilerOptions = {
          ...{ noEmit: true, strict: true, skipLibCheck: true, target: 'es2022', types: ['node'] },
          ...{ typeRoots: [join(root, 'node_modules', '@types')], module, moduleResolution },
        };
        const file = `tsconfig.${moduleResolution}.json`;
        writeFileSync(join(app, file), JSON.stringify({ compilerOptions, files: ['entries.ts'] }));
        return file;
      },
    );
    // One tsc process for the three; it exits non-zero with its report (which fails `run`)
    // when an entry or its types cannot be resolved.
    const output = run(bin('tsc'), ['--build', ...configs, '--verbose'], app);
    expect(output.match(/Building project/g)).toHaveLength(3);
  });

  it('holds only dist/ and src/ besides package.json, README and LICENSE', () => {
    expect(
      listing().every((path) =>
        /^package\/(dist\/|src\/.+\.ts$|package\.json$|README\.md$|LICENSE$)/.test(path),
      ),
    ).toBe(true);
    expect(listing()).toContain('package/dist/index.d.cts');
    expect(listing()).toContain('package/src/index.ts');
  });

  it('ships source maps that name only files in the package (src/), no bundled dependency and no embedded sources', () => {
    const installed = join(app, 'node_modules', 'suno-cover');
    const shipped = new Set(listing().map((path) => path.replace(/^package\//, '')));
    const maps = [...shipped].filter((path) => path.endsWith('.map'));
    expect(maps.length).toBeGreaterThanOrEqual(6);
    const named = new Set<string>();
    for (const path of maps) {
      const map = JSON.parse(readFileSync(join(installed, path), 'utf8')) as {
        sources: string[];
        sourceRoot?: string;
        sourcesContent?: unknown;
      };
      expect({ path, sourcesContent: map.sourcesContent }).toEqual({
        path,
        sourcesContent: undefined,
      });
      for (const source of map.sources) {
        const resolved = relative(
          installed,
          resolve(installed, dirname(path), map.sourceRoot ?? '', source),
        );
        expect({ map: path, source, shipped: shipped.has(resolved) }).toEqual({
          map: path,
          source,
          shipped: true,
        });
        named.add(resolved);
      }
    }
    expect([...named].every((path) => path.startsWith('src/'))).toBe(true);
    // Every map a file points at is there, and every shipped map has its file.
    for (const path of [...shipped].filter((file) => /\.c?js$/.test(file))) {
      const pointer = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(
        readFileSync(join(installed, path), 'utf8'),
      );
      if (pointer) expect(shipped.has(join(dirname(path), pointer[1] ?? ''))).toBe(true);
    }
    for (const path of maps) expect(shipped.has(path.slice(0, -'.map'.length))).toBe(true);
  });

  it('points stack traces, with --enable-source-maps, at files in the package: src/ for ours, the dependencies at their own packages', () => {
    // A bad option throws in our code; a refused connection fails inside ky (a dependency).
    const code = `const { SunoCover } = require('suno-cover');
try { new SunoCover({ apiKey: 'k', baseUrl: 'ftp://x' }); } catch (error) { console.log(error.stack); }
new SunoCover({ apiKey: 'k', baseUrl: 'http://127.0.0.1:1', maxRetries: 0 }).credits()
  .catch((error) => console.log(error.cause.stack));`;
    const output = run('node', ['--enable-source-maps', '-e', code], app);
    const frames = [
      ...output.matchAll(/\((\S+\/node_modules\/suno-cover\/(\S+?)):(\d+):\d+\)/g),
    ].map(([, path = '', file = '', line]) => ({
      file,
      text: existsSync(path) ? readFileSync(path, 'utf8').split('\n')[Number(line) - 1] : undefined,
    }));
    // Every frame names a file that exists and a line that is there.
    expect(frames.filter((frame) => frame.text === undefined)).toEqual([]);
    expect(frames[0]?.file).toMatch(/^src\/.+\.ts$/);
    expect(frames[0]?.text).toMatch(/InvalidArgumentError/);
    // The request is sent from our transport, through ky, which is no part of our package.
    expect(frames.some((frame) => frame.file === 'src/internal/http.ts')).toBe(true);
    expect(frames.filter((frame) => frame.file.startsWith('dist/'))).toEqual([]);
    expect(output).toMatch(/node_modules\/ky\//);
  });

  it('keeps the packed tarball under 400 KB', () => {
    console.log(
      `packed: ${(packedSize / 1024).toFixed(1)} KB, unpacked: ${(unpackedSize / 1024).toFixed(1)} KB`,
    );
    expect(packedSize).toBeLessThan(400 * 1024);
  });

  it('works through import (ESM)', () => {
    const code = script(
      "const { SunoCover, NotFoundError, SunoCoverError, parseCoverCallback } = await import('suno-cover');\nconst { createCoverSimulator } = await import('suno-cover/testing');\nconst { toNodeHandler } = await import('suno-cover/node');",
    );
    const output = run('node', ['--input-type=module', '-e', code], app);
    expect(JSON.parse(output)).toEqual(expected);
  });

  it('works through require (CJS) as well', () => {
    const code = script(
      "const { SunoCover, NotFoundError, SunoCoverError, parseCoverCallback } = require('suno-cover');\nconst { createCoverSimulator } = require('suno-cover/testing');\nconst { toNodeHandler } = require('suno-cover/node');",
    );
    const output = run('node', ['--input-type=commonjs', '-e', `(async () => {${code}\n})()`], app);
    expect(JSON.parse(output)).toEqual(expected);
  });

  it('ships the command line as a bin that no library entry loads', async () => {
    const manifest = JSON.parse(
      readFileSync(join(app, 'node_modules', 'suno-cover', 'package.json'), 'utf8'),
    );
    expect(manifest.bin).toEqual({ 'suno-cover': 'dist/cli/index.js' });
    expect(Object.keys(manifest.exports).filter((path) => path.includes('cli'))).toEqual([]);
    for (const [entry, platform] of [
      ['suno-cover', 'browser'],
      ['suno-cover/node', 'node'],
      ['suno-cover/testing', 'node'],
    ] as const) {
      const result = await build({
        stdin: { contents: `export * from '${entry}';`, resolveDir: app },
        bundle: true,
        write: false,
        metafile: true,
        platform,
        format: 'esm',
        logLevel: 'silent',
      });
      const inputs = Object.keys(result.metafile.inputs);
      expect(inputs.some((path) => path.includes('node_modules/suno-cover/dist/'))).toBe(true);
      expect(inputs.filter((path) => path.includes('/dist/cli/'))).toEqual([]);
    }
    const loaded = run(
      'node',
      [
        '-e',
        "require('suno-cover'); require('suno-cover/node'); require('suno-cover/testing'); console.log(JSON.stringify(Object.keys(require.cache)))",
      ],
      app,
    );
    const files = JSON.parse(loaded) as string[];
    expect(files.some((file) => file.includes('suno-cover/dist/index.cjs'))).toBe(true);
    expect(files.filter((file) => file.includes('/dist/cli/'))).toEqual([]);
  });

  it('makes instanceof work across the ESM and the CJS copy in one process, subclasses included', () => {
    writeFileSync(join(app, 'cross-copy.mjs'), crossCopyScript('suno-cover', 'suno-cover'));
    const output = run('node', ['cross-copy.mjs'], app);
    expect(Object.fromEntries(JSON.parse(output) as [string, unknown][])).toEqual(crossCopyChecks);
  });

  it('keeps instanceof across copies and the error names when a bundler minifies both copies', () => {
    // Minifiers rename classes: the brands must not hang on the class bindings' names.
    const minify = (entry: string, outfile: string, format: 'esm' | 'cjs') =>
      buildSync({
        entryPoints: [join(app, 'node_modules', 'suno-cover', 'dist', entry)],
        outfile: join(app, outfile),
        bundle: true,
        minify: true,
        format,
        platform: 'node',
        logLevel: 'silent',
      });
    minify('index.js', 'min-esm.mjs', 'esm');
    minify('index.cjs', 'min-cjs.cjs', 'cjs');
    for (const file of ['min-esm.mjs', 'min-cjs.cjs'])
      expect(readFileSync(join(app, file), 'utf8')).not.toMatch(/class NotFoundError\b/);
    writeFileSync(join(app, 'cross-min.mjs'), crossCopyScript('./min-esm.mjs', './min-cjs.cjs'));
    const output = run('node', ['cross-min.mjs'], app);
    expect(Object.fromEntries(JSON.parse(output) as [string, unknown][])).toEqual(crossCopyChecks);
  });
});
