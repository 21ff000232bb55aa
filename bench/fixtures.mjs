/** Realistic callback bodies: each distinct, as real traffic is. */
import { createHash } from 'node:crypto';

export const secret = 'whsec_bench_secret_0123456789';

export function taskIdOf(i) {
  return createHash('md5').update(`bench:${i}`).digest('hex');
}

export function successBody(i) {
  const taskId = taskIdOf(i);
  return JSON.stringify({
    code: 200,
    msg: 'success',
    data: {
      taskId,
      images: [
        `https://cdn.sunoapi.org/covers/${taskId}/1.png`,
        `https://cdn.sunoapi.org/covers/${taskId}/2.png`,
      ],
    },
  });
}

export const bodies = Array.from({ length: 1024 }, (_, i) => successBody(i));
