/** Timing and statistics shared by the benchmarks. */

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export const summary = (values) => ({
  median: median(values),
  min: Math.min(...values),
  max: Math.max(...values),
});

/**
Measures ns per operation for each case, interleaved round by round so that drift on a
shared machine hits every case alike. Each case is `(i) => result` or async.
*/
export async function interleave(cases, { rounds = 7, minTime = 150 } = {}) {
  const names = Object.keys(cases);
  const perRound = {};
  // Calibrate: how many operations fill `minTime`.
  for (const name of names) {
    const fn = cases[name];
    let n = 64;
    for (;;) {
      const t = performance.now();
      for (let i = 0; i < n; i++) await fn(i);
      const took = performance.now() - t;
      if (took >= minTime / 4) {
        perRound[name] = Math.max(64, Math.round((n * minTime) / took));
        break;
      }
      n *= 4;
    }
  }
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    // Rotate the order too.
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + round) % names.length];
      const fn = cases[name];
      const n = perRound[name];
      const isAsync = fn.constructor.name === 'AsyncFunction';
      const t = performance.now();
      if (isAsync) for (let i = 0; i < n; i++) await fn(i);
      else for (let i = 0; i < n; i++) fn(i);
      samples[name].push(((performance.now() - t) * 1e6) / n);
    }
  }
  return Object.fromEntries(names.map((name) => [name, summary(samples[name])]));
}

export const fmt = (value, digits = 2) =>
  value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(digits);
