/**
How the simulator's image server misbehaves, for testing downloads: bodies cut short,
stalled or slow, and images under the wrong content type. Faults on the status line (404,
503 with Retry-After, a reset, a hang before the headers) go through `sim.fail('image', …)`.
*/
import type { ServerResponse } from 'node:http';

/** A fault for the image server's next answer(s): `sim.failImage(fault)`. */
export interface ImageFault {
  /** Announce the whole image in Content-Length, send only this many bytes, then drop the connection. */
  truncate?: number | undefined;
  /** Send this many bytes, then nothing more: the connection stays open until the client gives up. */
  stall?: number | undefined;
  /** Send the image slowly: `bytes` every `interval` ms. */
  trickle?: { bytes: number; interval: number } | undefined;
  /** The content type to answer with instead of `image/png` (the bytes stay the PNG's). */
  contentType?: string | undefined;
  /** Leave out Content-Length (the body is sent chunked). */
  noLength?: boolean | undefined;
  /** How many answers this fault applies to. @default 1 */
  times?: number | undefined;
}

/** Sends an image, as `fault` says when there is one. `later` runs a step on the simulator's clock. */
export function serveImage(
  res: ServerResponse,
  image: Buffer,
  fault: ImageFault | undefined,
  later: (ms: number, run: () => void) => void,
): void {
  const headers: Record<string, string | number> = {
    'content-type': fault?.contentType ?? 'image/png',
  };
  if (!fault?.noLength) headers['content-length'] = image.length;
  res.writeHead(200, headers);
  if (!fault || (fault.truncate === undefined && fault.stall === undefined && !fault.trickle)) {
    res.end(image);
    return;
  }
  if (fault.truncate !== undefined) {
    res.write(image.subarray(0, fault.truncate), () => res.destroy());
    return;
  }
  if (fault.stall !== undefined) {
    // Flushed, then silence: closed by the client's timeout or by close().
    res.write(image.subarray(0, fault.stall));
    return;
  }
  const { bytes, interval } = fault.trickle as { bytes: number; interval: number };
  let offset = 0;
  const step = () => {
    if (res.destroyed) return;
    const end = Math.min(offset + bytes, image.length);
    const last = end === image.length;
    res.write(image.subarray(offset, end));
    offset = end;
    if (last) res.end();
    else later(interval, step);
  };
  step();
}
