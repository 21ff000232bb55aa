/**
Packs the package as npm would publish it, checks it with publint and
@arethetypeswrong/cli, installs the tarball into an empty app and uses it there through
both `import` and `require` on this Node.
*/
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });

let work: string;
let tarball: string;
let app: string;

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'index.js'))) run('npm', ['run', 'build'], root);
  work = mkdtempSync(join(tmpdir(), 'suno-cover-pack-'));
  const [packed] = JSON.parse(
    run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root),
  ) as {
    filename: string;
    files: { path: string }[];
  }[];
  tarball = join(work, packed?.filename ?? '');
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

describe('the published package', () => {
  it('passes publint', () => {
    const output = run(
      bin('publint'),
      ['run', '--strict', '--pack', 'false', join(app, 'node_modules', 'suno-cover')],
      root,
    );
    expect(output).toMatch(/All good!/);
  });

  it('passes @arethetypeswrong/cli for every Node 16+ resolution', () => {
    // attw exits non-zero on any problem, which fails `run`; node10 (no `exports`) is out of scope.
    const output = run(bin('attw'), [tarball, '--profile', 'node16', '--format', 'ascii'], root);
    for (const entry of ['"suno-cover"', '"suno-cover/testing"', '"suno-cover/node"']) {
      const section = output.slice(output.indexOf(entry));
      expect(section).toMatch(/node16 \(from CJS\): 🟢 \(CJS\)/);
      expect(section).toMatch(/node16 \(from ESM\): 🟢 \(ESM\)/);
    }
  });

  it('holds only dist/ besides package.json, README and LICENSE', () => {
    const listing = run('tar', ['-tzf', tarball], root).trim().split('\n');
    expect(
      listing.every((path) => /^package\/(dist\/|package\.json$|README\.md$|LICENSE$)/.test(path)),
    ).toBe(true);
    expect(listing).toContain('package/dist/index.d.cts');
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

  it('keeps the published main entry at or under 32 KB minified and gzipped', async () => {
    const result = await build({
      stdin: { contents: "export * from 'suno-cover';", resolveDir: app },
      bundle: true,
      minify: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      logLevel: 'silent',
    });
    const size = gzipSync(result.outputFiles[0]?.contents ?? new Uint8Array(), { level: 9 }).length;
    console.log(`published main entry: ${(size / 1024).toFixed(1)} KB min+gzip`);
    expect(size).toBeGreaterThan(10 * 1024);
    expect(size).toBeLessThanOrEqual(32 * 1024);
  });
});
