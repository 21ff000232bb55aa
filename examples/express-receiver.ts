/**
Express: receive cover callbacks. Works with or without express.json() before the route,
because kie.ai signs the task id and timestamp, not the raw body.

  npx tsx examples/express-receiver.ts
*/
import express from 'express';
import { SunoCover } from 'suno-cover';
import { toNodeHandler } from 'suno-cover/node';

const suno = new SunoCover({ webhookSecret: process.env.SUNO_WEBHOOK_SECRET });
suno.on('succeeded', ({ taskId, images }) => console.log('cover ready', taskId, images));
suno.on('failed', ({ taskId, code, refunded }) =>
  console.log('cover failed', taskId, code, { refunded }),
);

const app = express();
app.use(express.json());
app.post('/suno-cover', toNodeHandler(suno));
app.listen(Number(process.env.PORT ?? 3000));
