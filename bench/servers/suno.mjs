// suno-cover's node:http receiver with signature verification on.
import { createServer } from 'node:http';
import { SunoCover } from 'suno-cover';
import { toNodeHandler } from 'suno-cover/node';
import { secret } from '../fixtures.mjs';

const suno = new SunoCover({
  apiKey: 'bench',
  webhookSecret: secret,
  pollingMode: 'callback-only',
});
let dispatched = 0;
suno.on('succeeded', () => dispatched++);
const server = createServer(toNodeHandler(suno));
server.listen(0, '127.0.0.1', () => process.send?.(server.address().port));
process.on('message', (message) => {
  if (message === 'stats') process.send?.({ dispatched });
});
