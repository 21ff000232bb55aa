// Run with --expose-gc. Tracks 10 000 pending tasks and reports the heap and timers they
// cost; then checks the poll rate of 2 000 tasks against its cap at the simulator.
import { SunoCover } from 'suno-cover';
import { createCoverSimulator } from 'suno-cover/testing';

const timers = () => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
const heap = () => {
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed;
};

const sim = await createCoverSimulator({ pendingMs: 3_600_000 });
const count = 10_000;
const suno = new SunoCover({ apiKey: sim.apiKey, baseUrl: sim.url });
// Warm the code paths so that their one-time cost is not counted per task.
suno.covers.track('warm-up');
const heapBefore = heap();
const timersBefore = timers();
const tasks = [];
for (let i = 0; i < count; i++)
  tasks.push(suno.covers.track(`pending-task-${String(i).padStart(6, '0')}`));
const heapAfter = heap();
const timersAfter = timers();
suno.close();

// The rate cap, counted where it matters: requests arriving at the API.
const cap = 20;
const rated = new SunoCover({
  apiKey: sim.apiKey,
  baseUrl: sim.url,
  pollInterval: 100,
  maxPollsPerSecond: cap,
  maxConcurrentPolls: 8,
});
for (let i = 0; i < 2_000; i++) rated.covers.track(`rated-task-${i}`);
const started = Date.now();
await new Promise((resolve) => setTimeout(resolve, 3_000));
rated.close();
const arrivals = sim.requests
  .filter((request) => request.at >= started)
  .map((request) => request.at)
  .sort((a, b) => a - b);
let busiest = 0;
for (let i = 0, j = 0; i < arrivals.length; i++) {
  while (arrivals[i] - arrivals[j] >= 1_000) j++;
  busiest = Math.max(busiest, i - j + 1);
}
await sim.close();

process.send({
  tasks: tasks.length,
  bytesPerTask: (heapAfter - heapBefore) / count,
  timersAdded: timersAfter - timersBefore,
  cap,
  polls: arrivals.length,
  busiestSecond: busiest,
});
