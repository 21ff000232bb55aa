// The edge-runtime path: no node:crypto reachable, WebCrypto only.
delete process.getBuiltinModule;
const { signCoverCallback, verifyCoverCallback, parseCoverCallback } = await import('suno-cover');
const { bodies, secret, taskIdOf } = await import('./fixtures.mjs');
const { interleave } = await import('./lib.mjs');

const now = Math.floor(Date.now() / 1000);
const signed = await Promise.all(
  bodies.map((_, i) => signCoverCallback({ taskId: taskIdOf(i), secret, timestamp: now })),
);
const mask = bodies.length - 1;
const one = async (i) => {
  const body = bodies[i & mask];
  await verifyCoverCallback({ body, headers: signed[i & mask], secret });
  return parseCoverCallback(body);
};
const results = await interleave(
  {
    'WebCrypto verify + parse, one at a time': one,
    'WebCrypto verify + parse, 64 in flight (per callback)': async (i) => {
      const batch = [];
      for (let k = 0; k < 64; k++) batch.push(one(i * 64 + k));
      await Promise.all(batch);
    },
  },
  { rounds: 5, minTime: 150 },
);
// The batched case measured 64 callbacks per operation.
const batched = results['WebCrypto verify + parse, 64 in flight (per callback)'];
for (const key of ['median', 'min', 'max']) batched[key] /= 64;
process.send(results);
