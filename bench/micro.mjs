/** In-process micro benchmarks: parse, verify + parse, dispatch. */
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { parseCoverCallback, SunoCover, signCoverCallback, verifyCoverCallback } from 'suno-cover';
import { bodies, secret, successBody, taskIdOf } from './fixtures.mjs';
import { interleave, summary } from './lib.mjs';

const mask = bodies.length - 1;

export async function parse() {
  return interleave({
    'JSON.parse': (i) => JSON.parse(bodies[i & mask]),
    parseCoverCallback: (i) => parseCoverCallback(bodies[i & mask]),
  });
}

export async function verify() {
  const now = Math.floor(Date.now() / 1000);
  const signed = await Promise.all(
    bodies.map((_, i) => signCoverCallback({ taskId: taskIdOf(i), secret, timestamp: now })),
  );
  // The floor as a careful hand-written receiver would do it: a KeyObject made once, the
  // MAC as bytes, the header decoded from base64, a constant-time compare.
  const key = createSecretKey(Buffer.from(secret));
  // stripe: its own scheme (timestamped HMAC of the body), with its test header helper.
  const stripe = new Stripe('sk_test_bench');
  const stripeSecret = 'whsec_stripe_bench';
  const stripeHeaders = bodies.map((payload) =>
    stripe.webhooks.generateTestHeaderString({ payload, secret: stripeSecret, timestamp: now }),
  );
  // standardwebhooks: HMAC of id.timestamp.body.
  const swSecret = `whsec_${Buffer.from('standard-webhooks-bench-secret').toString('base64')}`;
  const sw = new Webhook(swSecret);
  const swHeaders = bodies.map((payload, i) => {
    const id = `msg_${i}`;
    const date = new Date(now * 1000);
    return {
      'webhook-id': id,
      'webhook-timestamp': String(now),
      'webhook-signature': sw.sign(id, date, payload),
    };
  });
  return interleave({
    // The floor: the same work written out by hand, nothing more.
    'floor (node:crypto HMAC + compare + JSON.parse)': (i) => {
      const body = bodies[i & mask];
      const headers = signed[i & mask];
      const value = JSON.parse(body);
      const expected = createHmac('sha256', key)
        .update(`${value.data.taskId}.${headers['x-webhook-timestamp']}`)
        .digest();
      const given = Buffer.from(headers['x-webhook-signature'], 'base64');
      if (given.length !== expected.length || !timingSafeEqual(expected, given))
        throw new Error('bad signature');
      return value;
    },
    'verifyCoverCallback + parseCoverCallback': async (i) => {
      const body = bodies[i & mask];
      await verifyCoverCallback({ body, headers: signed[i & mask], secret });
      return parseCoverCallback(body);
    },
    'stripe webhooks.constructEvent': (i) =>
      stripe.webhooks.constructEvent(bodies[i & mask], stripeHeaders[i & mask], stripeSecret),
    'standardwebhooks verify': (i) => sw.verify(bodies[i & mask], swHeaders[i & mask]),
  });
}

export async function dispatch({ rounds = 5, batch = 20_000 } = {}) {
  const suno = new SunoCover({
    apiKey: 'bench',
    pollingMode: 'callback-only',
    recentOutcomes: { maxSize: 1_000_000 },
  });
  let settled = 0;
  suno.on('succeeded', () => settled++);
  const distinct = [];
  const duplicates = [];
  let base = 0;
  for (let round = 0; round < rounds; round++) {
    // New tracked tasks each round, so every timed callback settles a task.
    const parsed = [];
    for (let i = 0; i < batch; i++) {
      suno.covers.track(taskIdOf(base + i));
      parsed.push(JSON.parse(successBody(base + i)));
    }
    base += batch;
    let started = performance.now();
    for (const body of parsed) await suno.callbacks.receive(body);
    distinct.push(((performance.now() - started) * 1e6) / batch);
    started = performance.now();
    for (const body of parsed) await suno.callbacks.receive(body);
    duplicates.push(((performance.now() - started) * 1e6) / batch);
  }
  suno.close();
  if (settled !== rounds * batch)
    throw new Error(`expected ${rounds * batch} settles, saw ${settled}`);
  return {
    'callbacks.receive, distinct tracked tasks': summary(distinct),
    'callbacks.receive, duplicates': summary(duplicates),
  };
}
