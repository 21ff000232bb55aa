/**
Resume a cover task submitted earlier (by another process, or before a restart) by its
id, and wait for its images.

  npx tsx examples/resume-task.ts <cover task id>
*/
import { SunoCover } from 'suno-cover';

const coverTaskId = process.argv[2];
if (!coverTaskId) {
  console.error('usage: resume-task.ts <cover task id>');
  process.exit(2);
}

const suno = new SunoCover();
const task = suno.covers.track(coverTaskId); // polled at once, then every pollInterval
const { images, parentTaskId } = await task.wait({ timeout: 10 * 60_000 });
console.log(JSON.stringify({ taskId: coverTaskId, parentTaskId, images }));
