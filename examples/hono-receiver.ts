/**
Hono (the same handler serves Bun, Deno and Cloudflare Workers): receive cover callbacks.

  npx tsx examples/hono-receiver.ts
*/
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { SunoCover } from 'suno-cover';

const suno = new SunoCover({ webhookSecret: process.env.SUNO_WEBHOOK_SECRET });
suno.on('succeeded', ({ taskId, images }) => console.log('cover ready', taskId, images));

const app = new Hono();
app.post('/suno-cover', (c) => suno.callbacks.handle(c.req.raw));
serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000) });
