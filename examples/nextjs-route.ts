/**
Next.js App Router: app/api/suno-cover/route.ts. The host POSTs results here; the SDK
verifies, parses, answers 200 and dispatches to your listeners.
*/
import { SunoCover } from 'suno-cover';

// One client per server process (put it in lib/suno.ts and import it).
export const suno = new SunoCover({
  callbackUrl: 'https://example.com/api/suno-cover',
  webhookSecret: process.env.SUNO_WEBHOOK_SECRET, // kie.ai's webhookHmacKey, if signing is on
});

suno.on('succeeded', ({ taskId, images }) => {
  console.log('cover ready', taskId, images);
});

export const POST = (request: Request) => suno.callbacks.handle(request);
