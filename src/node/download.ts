/**
`downloadCovers`: saves a task's images to disk through `fetchCover`, whose retry loop also
covers the body (a body cut short starts the image over). Each image streams into a
temporary file beside its final name and is renamed once complete and flushed, so a file
under a final name is always whole; a failed or aborted image leaves nothing behind.
*/
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type FetchCoverOptions, fetchCover, InvalidArgumentError } from 'suno-cover';

/** What `downloadCovers` saves: a `wait()` result, a `succeeded` event, `covers.get()` details. */
export interface CoverImages {
  /** The cover task id; it names the files. */
  taskId: string;
  /** The image URLs, in order. */
  images: readonly string[];
}

/** Options of `downloadCovers()`: where to save, and `fetchCover`'s options for each image. */
export interface DownloadCoversOptions extends FetchCoverOptions {
  /**
  The directory to save into; created when missing.
  @example
  downloadCovers(result, { dir: './covers' })
  */
  dir: string;
  /**
  How many images download at once.
  @default 2
  @example
  downloadCovers(result, { dir, concurrency: 4 })
  */
  concurrency?: number | undefined;
  /**
  Download again over an existing `<taskId>-<n>.<ext>`. Without it an existing file is kept
  as it is (files under final names are only ever written whole).
  @default false
  @example
  downloadCovers(result, { dir, overwrite: true })
  */
  overwrite?: boolean | undefined;
}

const extensions: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
};

/** The file extension of an image content type: png, jpg, webp, gif, else the subtype. */
function extensionFor(contentType: string | null): string {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return extensions[type] ?? (/^image\/([a-z0-9]+)/.exec(type)?.[1] || 'img');
}

/** Marks siblings stopped because another image failed, to tell them from a real failure. */
const siblingFailed = Symbol('sibling failed');

/**
Downloads every image of a finished cover task into `dir`, as `<taskId>-<n>.<ext>` (n from
1, in image order; ext from the content type), and resolves with the absolute paths in
image order. Each image streams to a temporary file in `dir` and is renamed when whole;
a body cut short, a timeout, a broken connection, 408, 429 and 5xx are retried (`retries`,
default 3). An existing file is kept unless `overwrite`. Failures reject with a
`DownloadError` once every image in flight has stopped and no partial file is left; an
abort rejects with the signal's reason, likewise.

@example
```ts
import { downloadCovers } from 'suno-cover/node';
suno.on('succeeded', (e) => downloadCovers(e, { dir: './covers' }));
```
*/
export async function downloadCovers(
  result: CoverImages,
  options: DownloadCoversOptions,
): Promise<string[]> {
  const { taskId, images } = checkResult(result);
  if (options === null || typeof options !== 'object' || typeof options.dir !== 'string') {
    throw new InvalidArgumentError(
      'downloadCovers(result, options) needs { dir }: the directory to save the images into',
    );
  }
  const { dir: given, concurrency = 2, overwrite = false, signal, ...fetchOptions } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new InvalidArgumentError(
      `\`concurrency\` must be an integer from 1 to 64, got ${String(concurrency)}`,
    );
  }
  if (given.trim() === '') throw new InvalidArgumentError('`dir` must be a non-empty path');
  if (
    signal !== undefined &&
    (signal === null || typeof signal !== 'object' || typeof signal.aborted !== 'boolean')
  ) {
    throw new InvalidArgumentError('downloadCovers(): `signal` must be an AbortSignal');
  }
  signal?.throwIfAborted();
  const dir = resolve(given);
  await mkdir(dir, { recursive: true });
  // Only our own names: anything else in the directory is left alone.
  const existing = await readdir(dir);
  const prefix = taskId.replace(/[^\w-]/g, '_');

  // One failure stops the others; combined by hand to keep one pattern across the package.
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  // An abort while the directory was read is not missed.
  if (signal?.aborted) onAbort();

  const paths: string[] = new Array(images.length);
  let failure: { error: unknown } | undefined;
  let next = 0;
  const worker = async () => {
    while (next < images.length && !stop.signal.aborted) {
      const index = next++;
      const base = `${prefix}-${index + 1}`;
      const kept = overwrite ? undefined : existing.find((name) => isFinalName(name, base));
      try {
        paths[index] = kept
          ? join(dir, kept)
          : await fetchCover(images[index] as string, {
              ...fetchOptions,
              signal: stop.signal,
              read: (response: Response) => save(response, dir, base, overwrite ? existing : []),
            });
      } catch (error) {
        if (!stop.signal.aborted) {
          failure = { error };
          stop.abort(siblingFailed);
        }
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, images.length) }, worker));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (signal?.aborted) throw signal.reason;
  if (failure) throw failure.error;
  return paths;
}

function checkResult(result: CoverImages): CoverImages {
  const { taskId, images } = (result ?? {}) as Partial<CoverImages>;
  if (typeof taskId !== 'string' || taskId.trim() === '' || !Array.isArray(images)) {
    throw new InvalidArgumentError(
      'downloadCovers(result) needs { taskId, images }: a wait() result, a succeeded event or covers.get() details',
    );
  }
  for (const url of images) {
    if (typeof url !== 'string') {
      throw new InvalidArgumentError(`downloadCovers: every image must be a URL string`);
    }
  }
  return { taskId: taskId.trim(), images };
}

function isFinalName(name: string, base: string): boolean {
  return name.startsWith(`${base}.`) && /^[a-z0-9]+$/.test(name.slice(base.length + 1));
}

/**
Streams one image into a temporary file, flushes it, and renames it to its final name. On
any failure the temporary file is removed before the error goes on.
*/
async function save(
  response: Response,
  dir: string,
  base: string,
  replaced: readonly string[],
): Promise<string> {
  const name = `${base}.${extensionFor(response.headers.get('content-type'))}`;
  const temporary = join(dir, `.${base}.${randomBytes(6).toString('hex')}.part`);
  const file = await open(temporary, 'wx');
  let complete = false;
  try {
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      let offset = 0;
      while (offset < value.byteLength) {
        offset += (await file.write(value, offset)).bytesWritten;
      }
    }
    // On disk before the rename, so that a crash cannot leave a final name with a hole.
    await file.sync();
    await file.close();
    await rename(temporary, join(dir, name));
    complete = true;
  } finally {
    if (!complete) {
      await file.close().catch(() => {});
      await rm(temporary, { force: true });
    }
  }
  // An overwrite may change the extension: the older file of this image goes.
  for (const old of replaced) {
    if (old !== name && isFinalName(old, base)) await rm(join(dir, old), { force: true });
  }
  return join(dir, name);
}
