/**
Submit a cover for a finished music task and wait for it, by polling only (no callback
URL needed). Reads SUNO_API_KEY (and SUNO_BASE_URL for kie.ai and other hosts).

  npx tsx examples/generate-and-wait.ts <music task id>
*/
import { SunoCover, TaskFailedError } from 'suno-cover';

const musicTaskId = process.argv[2];
if (!musicTaskId) {
  console.error('usage: generate-and-wait.ts <music task id>');
  process.exit(2);
}

// Without a callbackUrl the SDK polls Get Cover Details (every 30 s by default).
const suno = new SunoCover({ pollInterval: Number(process.env.POLL_INTERVAL ?? 30_000) });
suno.on('status', (event) => console.error(`${event.taskId}: ${event.status}`));

try {
  const { taskId, images } = await suno.covers.generateAndWait(
    { taskId: musicTaskId },
    { timeout: 10 * 60_000 },
  );
  console.log(JSON.stringify({ taskId, images }));
} catch (error) {
  if (error instanceof TaskFailedError && error.retryable)
    console.error('failed, but submitting again may work');
  throw error;
}
