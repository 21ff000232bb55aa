/**
Caps on the fields a host sends, and the one reader of image URLs. Both the hand-written
callback reader (callbacks.ts) and the zod schemas (schemas.ts) use them, so that they
accept the same answers; this file imports nothing, so that an app that only parses
callbacks does not load zod.
*/

/**
The largest fields a callback or a record-info answer may carry. Real ones are far below:
32-character task ids, 2 image URLs of about 100 characters, messages under 120
characters. A field past its cap is refused — a `CallbackParseError` with its `path` (a
receiver answers 400), or a `ResponseValidationError` for a record-info answer — never cut
short. With every field at its cap, one stored outcome takes at most 24 KiB of heap
(19.1 KiB measured on the installed package), so the store of recent outcomes (10 000 by
default) at most 240 MB, whatever is forged.

@example
```ts
import { CALLBACK_LIMITS } from 'suno-cover';
CALLBACK_LIMITS.imageUrlLength; // 2048
```
*/
export const CALLBACK_LIMITS = {
  /** Characters of a task id (`data.taskId`, `data.task_id`; record-info `taskId`, `parentTaskId`; generate's `taskId`). */
  taskIdLength: 128,
  /** Characters of a message (`msg`; record-info `errorMessage`). */
  messageLength: 1024,
  /** Image URLs in one answer (`data.images`; record-info `response.images`). Usually 2. */
  images: 8,
  /** Characters of one image URL (2048 is the practical URL limit of browsers and CDNs). */
  imageUrlLength: 2048,
} as const;

/**
http(s) URLs that need no parsing to be known valid: a host of letter-digit-hyphen labels
whose last label starts with a letter (never read as an IPv4 address), none of them an
IDNA `xn--` label (those are decoded and may fail), a port under 10 000, then printable
ASCII (the parser never fails on a path, query or fragment). Nearly every real image URL
matches; `new URL()` costs as much as the rest of the callback parse, so it is kept for
the others.
*/
const plainUrl =
  /^https?:\/\/(?:(?!xn--)[a-z0-9-]+\.)*(?!xn--)[a-z][a-z0-9-]*(?::\d{1,4})?(?:[/?#][!-~]*)?$/i;

/**
Reads an image URL: returns the URL to keep, or `undefined` when it is not an absolute
`http:` or `https:` URL (`javascript:`, `data:`, `file:`, relative, unparsable). A plain
URL is kept as sent; any other is kept as the WHATWG URL parser normalizes it (`href`:
ASCII only, whitespace and control characters removed), which is how `fetch` and browsers
read it. The caller checks the length of what is returned.
@internal
*/
export function readImageUrl(value: string): string | undefined {
  if (plainUrl.test(value)) return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
}
