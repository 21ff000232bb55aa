/**
Image downloads against the simulator's image server over real sockets, with the faults
real hosts show: a failed first attempt, a body cut short, a non-image answer, a 404, a
server too slow for `timeout`, and an abort mid-stream. Each ends in the right result or a
`DownloadError`, and never in a partial file under a final name.
*/
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DownloadError, fetchCover, InvalidArgumentError } from 'suno-cover';
import { downloadCovers } from 'suno-cover/node';
import { type CoverSimulator, coverPng } from 'suno-cover/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { rejection, setup } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'suno-cover-dl-'));
  dirs.push(dir);
  return dir;
}

/** A finished cover task on a fresh simulator: its id and image URLs. */
async function finishedTask(images = 2, latency = 0) {
  const { sim, suno } = await setup({ pendingMs: 5, generatingMs: 5, latency });
  sim.scenario('music-1', { images });
  const task = await suno.covers.generate({ taskId: 'music-1' });
  await sim.idle();
  suno.close();
  const images_ = sim.task(task.taskId)?.images ?? [];
  expect(images_).toHaveLength(images);
  return { sim, taskId: task.taskId, images: images_ };
}

const png = (taskId: string, n: number) => coverPng(`${taskId}/${n}`);
const imageRequests = (sim: CoverSimulator) =>
  sim.requests.filter((request) => request.path.startsWith('/images/')).length;

/** Waits until `dir` holds a temporary download (an image is mid-stream). */
async function partAppears(dir: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (readdirSync(dir).some((name) => name.endsWith('.part'))) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('no download started');
}

describe('fetchCover', () => {
  it('resolves with the image as a Response whose content type is an image', async () => {
    const { taskId, images } = await finishedTask();
    const response = await fetchCover(images[0] as string);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(png(taskId, 1));
  });

  it('retries a failed first attempt, honouring Retry-After', async () => {
    const { sim, taskId, images } = await finishedTask();
    sim.fail('image', { status: 503, retryAfter: 0 });
    const response = await fetchCover(images[1] as string);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(png(taskId, 2));
    expect(imageRequests(sim)).toBe(2);
  });

  it('retries a connection reset and a 429', async () => {
    const { sim, images } = await finishedTask();
    sim.fail('image', { reset: true });
    sim.fail('image', { status: 429, retryAfter: 0 });
    const response = await fetchCover(images[0] as string);
    expect(response.ok).toBe(true);
    expect(imageRequests(sim)).toBe(3);
  });

  it('rejects a 404 at once with a DownloadError that names the status, not the query', async () => {
    const { sim, images } = await finishedTask();
    sim.fail('image', { status: 404 });
    const error = await rejection(fetchCover(`${images[0]}?signature=secret-token`));
    expect(error).toBeInstanceOf(DownloadError);
    expect(error).toMatchObject({ reason: 'status', status: 404, attempts: 1 });
    expect((error as DownloadError).url).toContain('secret-token');
    expect((error as Error).message).toMatch(/HTTP 404.*expired/);
    expect((error as Error).message).not.toContain('secret-token');
    expect(imageRequests(sim)).toBe(1);
  });

  it('rejects an answer that is not an image, without retrying', async () => {
    const { sim, images } = await finishedTask();
    sim.fail('image', { status: 200, body: '<html>Link expired</html>' });
    const error = await rejection(fetchCover(images[0] as string));
    expect(error).toMatchObject({ name: 'DownloadError', reason: 'not_image', status: 200 });
    expect((error as Error).message).toContain('application/json');
    expect(imageRequests(sim)).toBe(1);
  });

  it('accepts an image served as application/octet-stream by its first bytes', async () => {
    const { sim, taskId, images } = await finishedTask();
    sim.failImage({ contentType: 'application/octet-stream' });
    const response = await fetchCover(images[0] as string);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(png(taskId, 1));
  });

  it('retries a body that breaks off within the first bytes it reads to tell the type', async () => {
    const { sim, taskId, images } = await finishedTask();
    sim.failImage({ contentType: 'application/octet-stream', truncate: 5 });
    const response = await fetchCover(images[0] as string);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(png(taskId, 1));
    expect(imageRequests(sim)).toBe(2);
  });

  it('gives up on a server that never answers after timeout, once per attempt', async () => {
    const { sim, images } = await finishedTask();
    sim.fail('image', { hang: true, times: 2 });
    const error = await rejection(fetchCover(images[0] as string, { timeout: 150, retries: 1 }));
    expect(error).toMatchObject({ name: 'DownloadError', reason: 'timeout', attempts: 2 });
    expect(imageRequests(sim)).toBe(2);
  });

  it('bounds the body with the timeout too: a body that stalls errors the stream', async () => {
    const { sim, images } = await finishedTask();
    sim.failImage({ stall: 100 });
    const response = await fetchCover(images[0] as string, { timeout: 300 });
    const error = await rejection(response.arrayBuffer());
    expect(error).toMatchObject({ name: 'DownloadError', reason: 'timeout' });
  });

  it('errors the body with a DownloadError when it ends short of its Content-Length', async () => {
    const { sim, images } = await finishedTask();
    sim.failImage({ truncate: 100 });
    const response = await fetchCover(images[0] as string);
    const error = await rejection(response.arrayBuffer());
    expect(error).toBeInstanceOf(DownloadError);
    expect(error).toMatchObject({ reason: 'truncated' });
  });

  it('errors the body with the abort reason when the signal aborts mid-stream', async () => {
    const { sim, images } = await finishedTask();
    sim.failImage({ trickle: { bytes: 50, interval: 40 } });
    const controller = new AbortController();
    const response = await fetchCover(images[0] as string, { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect((await reader.read()).done).toBe(false);
    const reason = new Error('user gave up');
    controller.abort(reason);
    expect(await rejection(reader.read())).toBe(reason);
  });

  it('retries a body cut short when the body is read inside the retry loop with read', async () => {
    const { sim, taskId, images } = await finishedTask();
    sim.failImage({ truncate: 200 });
    const bytes = await fetchCover(images[0] as string, {
      read: (response) => response.arrayBuffer(),
    });
    expect(Buffer.from(bytes)).toEqual(png(taskId, 1));
    expect(imageRequests(sim)).toBe(2);
  });

  it('refuses an image larger than maxBytes, from its Content-Length or its body', async () => {
    const { sim, images } = await finishedTask();
    const declared = await rejection(fetchCover(images[0] as string, { maxBytes: 100 }));
    expect(declared).toMatchObject({ name: 'DownloadError', reason: 'too_large', attempts: 1 });
    sim.failImage({ noLength: true });
    const streamed = await rejection(
      fetchCover(images[0] as string, { maxBytes: 100, read: (r: Response) => r.arrayBuffer() }),
    );
    expect(streamed).toMatchObject({ name: 'DownloadError', reason: 'too_large', attempts: 1 });
  });

  it('throws InvalidArgumentError for a URL or option it cannot use', async () => {
    expect(await rejection(fetchCover('not a url'))).toBeInstanceOf(InvalidArgumentError);
    expect(await rejection(fetchCover('ftp://example.com/a.png'))).toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(
      await rejection(fetchCover('https://example.com/a.png', { retries: 1.5 })),
    ).toBeInstanceOf(InvalidArgumentError);
  });

  it('refuses a header value with a line break without echoing it, and unknown options', async () => {
    const secret = 'Bearer sk-header-0123456789';
    const error = await rejection(
      fetchCover('https://example.com/a.png', { headers: { authorization: `${secret}\nx: 1` } }),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).not.toContain('sk-header');
    await expect(fetchCover('https://example.com/a.png', { retry: 2 } as never)).rejects.toThrow(
      /unknown option `retry`: did you mean `retries`\?/,
    );
    await expect(
      downloadCovers(
        { taskId: 't', images: ['https://example.com/a.png'] },
        {
          dir: tempDir(),
          signal: 'stop' as never,
        },
      ),
    ).rejects.toThrow(/`signal` must be an AbortSignal/);
  });
});

describe('downloadCovers', () => {
  it('saves every image as <taskId>-<n>.png in image order and resolves with absolute paths', async () => {
    const { taskId, images } = await finishedTask(3);
    const dir = join(tempDir(), 'nested', 'covers');
    const paths = await downloadCovers({ taskId, images }, { dir });
    expect(paths).toEqual([1, 2, 3].map((n) => join(dir, `${taskId}-${n}.png`)));
    for (const [i, path] of paths.entries()) expect(readFileSync(path)).toEqual(png(taskId, i + 1));
    expect(readdirSync(dir).sort()).toEqual([1, 2, 3].map((n) => `${taskId}-${n}.png`));
  });

  it('retries a truncated body and ends with whole files only', async () => {
    const { sim, taskId, images } = await finishedTask();
    const dir = tempDir();
    sim.failImage({ truncate: 300 });
    sim.fail('image', { status: 500 });
    const paths = await downloadCovers({ taskId, images }, { dir });
    expect(paths.map((path) => readFileSync(path))).toEqual([png(taskId, 1), png(taskId, 2)]);
    expect(imageRequests(sim)).toBe(4);
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it('rejects a 404 with a DownloadError and leaves no partial file', async () => {
    const { sim, taskId, images } = await finishedTask();
    const dir = tempDir();
    sim.fail('image', { status: 404, times: 2 });
    const error = await rejection(downloadCovers({ taskId, images }, { dir }));
    expect(error).toMatchObject({ name: 'DownloadError', reason: 'status', status: 404 });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('rejects a non-image answer and leaves no file', async () => {
    const { sim, taskId, images } = await finishedTask(1);
    const dir = tempDir();
    sim.failImage({ contentType: 'text/html; charset=utf-8' });
    const error = await rejection(downloadCovers({ taskId, images }, { dir }));
    expect(error).toMatchObject({ name: 'DownloadError', reason: 'not_image' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('gives up on a body that stalls past timeout, retried, and leaves no file', async () => {
    const { sim, taskId, images } = await finishedTask(1);
    const dir = tempDir();
    sim.failImage({ stall: 200, times: 2 });
    const error = await rejection(
      downloadCovers({ taskId, images }, { dir, timeout: 200, retries: 1 }),
    );
    expect(error).toMatchObject({ name: 'DownloadError', reason: 'timeout', attempts: 2 });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('rejects with the abort reason when aborted mid-stream, with no file left', async () => {
    const { sim, taskId, images } = await finishedTask();
    const dir = tempDir();
    sim.failImage({ trickle: { bytes: 20, interval: 20 }, times: 2 });
    const controller = new AbortController();
    const download = downloadCovers({ taskId, images }, { dir, signal: controller.signal });
    await partAppears(dir);
    const reason = new Error('stop');
    controller.abort(reason);
    expect(await rejection(download)).toBe(reason);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('stops the other images when one fails, and rejects once they are cleaned up', async () => {
    // Image 2's URL is unknown: a 404 that arrives (after latency) while image 1 trickles in.
    const { sim, taskId, images } = await finishedTask(2, 150);
    const dir = tempDir();
    sim.failImage({ trickle: { bytes: 20, interval: 20 } });
    const error = await rejection(
      downloadCovers({ taskId, images: [images[0] as string, `${images[1]}-gone`] }, { dir }),
    );
    expect(error).toMatchObject({ name: 'DownloadError', reason: 'status', status: 404 });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps an existing file unless overwrite, and then replaces it whole', async () => {
    const { sim, taskId, images } = await finishedTask();
    const dir = tempDir();
    writeFileSync(join(dir, `${taskId}-1.png`), 'kept');
    const paths = await downloadCovers({ taskId, images }, { dir });
    expect(readFileSync(paths[0] as string, 'utf8')).toBe('kept');
    expect(imageRequests(sim)).toBe(1);
    await downloadCovers({ taskId, images }, { dir, overwrite: true });
    expect(readFileSync(paths[0] as string)).toEqual(png(taskId, 1));
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it('names the file by the content type: a JPEG gets .jpg', async () => {
    const { sim, taskId, images } = await finishedTask(1);
    sim.failImage({ contentType: 'image/jpeg' });
    const [path] = await downloadCovers({ taskId, images }, { dir: tempDir() });
    expect(path).toMatch(new RegExp(`${taskId}-1\\.jpg$`));
  });

  it('keeps a task id with path characters inside dir', async () => {
    const { images } = await finishedTask(1);
    const dir = tempDir();
    const [path] = await downloadCovers({ taskId: '../../evil/x', images }, { dir });
    expect(path).toBe(join(dir, '______evil_x-1.png'));
  });

  it('saves the images of every succeeded event with the README one-liner', async () => {
    const { sim, suno } = await setup({ pendingMs: 5, generatingMs: 5 }, { pollInterval: 100 });
    const dir = tempDir();
    const saved = new Promise<string[]>((resolve, reject) =>
      suno.on('succeeded', (e) => downloadCovers(e, { dir }).then(resolve, reject)),
    );
    const task = await suno.covers.generate({ taskId: 'music-9' });
    const paths = await saved;
    suno.close();
    expect(paths).toEqual([1, 2].map((n) => join(dir, `${task.taskId}-${n}.png`)));
    expect(sim.task(task.taskId)?.images).toHaveLength(2);
  });

  it('hands a failed download of the one-liner to error listeners as a ListenerError', async () => {
    const { sim, suno } = await setup({ pendingMs: 5, generatingMs: 5 }, { pollInterval: 100 });
    sim.fail('image', { status: 404, times: 2 });
    const failed = new Promise<unknown>((resolve) => suno.on('error', (e) => resolve(e.error)));
    suno.on('succeeded', (e) => downloadCovers(e, { dir: tempDir() }));
    await suno.covers.generate({ taskId: 'music-10' });
    const error = (await failed) as Error;
    suno.close();
    expect(error).toMatchObject({ name: 'ListenerError', event: 'succeeded' });
    expect(error.cause).toBeInstanceOf(DownloadError);
    expect(error.cause).toMatchObject({ status: 404 });
  });

  it('throws InvalidArgumentError without a dir or a result it can read', async () => {
    const dir = tempDir();
    expect(
      await rejection(downloadCovers({ taskId: 'a', images: [] }, {} as { dir: string })),
    ).toBeInstanceOf(InvalidArgumentError);
    expect(
      await rejection(
        downloadCovers({ images: ['x'] } as unknown as { taskId: string; images: string[] }, {
          dir,
        }),
      ),
    ).toBeInstanceOf(InvalidArgumentError);
    expect(
      await rejection(downloadCovers({ taskId: 'a', images: [] }, { dir, concurrency: 0 })),
    ).toBeInstanceOf(InvalidArgumentError);
  });
});
