/**
Browsers, for parsing and verifying callbacks only (README, Runtimes): the packed package,
bundled for the browser by esbuild from an app outside the repo, run in a real headless
Chromium (Debian's, which .ci/run installs) against a page served on 127.0.0.1. The page
posts what it found back to this process.
*/
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { installPacked, type PackedApp, root } from './packed.js';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let packed: PackedApp;
let script: string;
let server: Server | undefined;
let browser: ChildProcess | undefined;
let profile: string | undefined;

beforeAll(async () => {
  if (!existsSync(chromium))
    throw new Error(
      `no Chromium at ${chromium}: apt-get install chromium (.ci/run does), or set CHROMIUM_PATH`,
    );
  packed = installPacked();
  copyFileSync(join(root, 'test', 'runtimes', 'browser.mjs'), join(packed.app, 'browser.mjs'));
  const result = await build({
    entryPoints: [join(packed.app, 'browser.mjs')],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  script = result.outputFiles[0]?.text ?? '';
}, 180_000);

afterAll(async () => {
  // Chromium's helpers (zygote, renderer, GPU) are its children: end the whole process
  // group, politely so that it removes its own temporary files, and only then its profile.
  if (browser?.pid !== undefined && browser.exitCode === null && browser.signalCode === null) {
    const exited = new Promise((resolve) => browser?.once('exit', resolve));
    process.kill(-browser.pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (browser?.pid !== undefined) process.kill(-browser.pid, 'SIGKILL');
    }, 5_000);
    await exited;
    // The helpers outlive the main process by a moment.
    const alive = () => {
      try {
        process.kill(-(browser?.pid as number), 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 50));
    clearTimeout(timer);
  }
  server?.closeAllConnections();
  server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
  packed?.remove();
});

/** Serves the page and its script; resolves with what the page posts to /result. */
async function serve(): Promise<{ url: string; result: Promise<Record<string, unknown>> }> {
  let report: (value: Record<string, unknown>) => void = () => {};
  const result = new Promise<Record<string, unknown>>((resolve) => {
    report = resolve;
  });
  server = createServer((request, response) => {
    if (request.method === 'POST' && request.url === '/result') {
      let text = '';
      request.on('data', (chunk) => {
        text += String(chunk);
      });
      request.on('end', () => {
        response.end('ok');
        report(JSON.parse(text) as Record<string, unknown>);
      });
      return;
    }
    const [type, content] =
      request.url === '/app.js'
        ? ['text/javascript', script]
        : ['text/html', '<!doctype html><script type="module" src="/app.js"></script>'];
    response.writeHead(200, { 'content-type': type });
    response.end(content);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, result };
}

it('parses and verifies callbacks in a real browser with WebCrypto, from the packed package', async () => {
  const { url, result } = await serve();
  profile = mkdtempSync(join(tmpdir(), 'suno-cover-chromium-'));
  // The flags the workplace's closed network needs: no background connections.
  browser = spawn(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      url,
    ],
    // Its own process group, so that afterAll can end every process it starts; its
    // temporary files in the profile, which afterAll removes.
    { stdio: 'ignore', detached: true, env: { ...process.env, TMPDIR: profile } },
  );
  const exited = new Promise<never>((_, reject) =>
    browser?.once('exit', (code) => reject(new Error(`chromium exited with ${code}`))),
  );
  const found = await Promise.race([result, exited]);
  expect(found).toMatchObject({ ok: true });
  expect(found).toEqual({
    ok: true,
    chrome: true,
    nodeCrypto: false,
    verified: { taskId: 'browser-task', timestamp: expect.any(Number) },
    fromText: {
      status: 'succeeded',
      taskId: 'browser-task',
      code: 200,
      msg: 'success',
      images: ['https://cdn.example/1.png'],
    },
    fromBytes: ['https://cdn.example/1.png'],
    market: ['https://cdn.example/2.png'],
    forged: { verification: true, parse: false, reason: 'invalid_signature' },
    stale: { verification: true, parse: false, reason: 'timestamp_too_old' },
    unsigned: { verification: true, parse: false, reason: 'missing_signature' },
    broken: { verification: false, parse: true, reason: '' },
    script: { verification: false, parse: true, reason: 'data.images.0' },
  });
  // No client, ky, p-retry or zod in what the page loaded.
  expect(script.length).toBeLessThan(16 * 1024);
}, 90_000);
