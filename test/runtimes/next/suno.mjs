/**
The README's Next.js pattern: the handler, and with it the client, made at module scope.
`next build` evaluates this module without SUNO_API_KEY; `next start` has it.
*/
import { after } from 'next/server';
import { createHandler } from './app.mjs';

const handler = createHandler({
  baseUrl: process.env.SUNO_BASE_URL,
  webhookSecret: process.env.SUNO_WEBHOOK_SECRET,
});

// As the README shows: `after` is the waitUntil of a Next.js route.
export const route = (request) => handler(request, after);
