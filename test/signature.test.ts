import fc from 'fast-check';
import {
  CallbackVerificationError,
  type CallbackVerificationReason,
  InvalidArgumentError,
  signCoverCallback,
  verifyCoverCallback,
} from 'suno-cover';
import { afterEach, describe, expect, it } from 'vitest';
import { useWebCryptoOnly } from '../src/signature.js';

// Known answer, computed independently:
// printf 'a1b2….1736937181' | openssl dgst -sha256 -hmac 'whsec_test_secret' -binary | base64
const secret = 'whsec_test_secret';
const taskId = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const timestamp = 1_736_937_181;
const signature = 'AYaMs+ZHqSk4nVk8hQWw7dUwSECXOSdk8ugqd4jNGEU=';
const now = timestamp * 1000 + 30_000;

async function reason(promise: Promise<unknown>): Promise<CallbackVerificationReason> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CallbackVerificationError);
    return (error as CallbackVerificationError).reason;
  }
  throw new Error('expected a CallbackVerificationError');
}

afterEach(() => useWebCryptoOnly(false));

for (const path of ['node:crypto', 'WebCrypto'] as const) {
  describe(`signatures through ${path}`, () => {
    const setPath = () => useWebCryptoOnly(path === 'WebCrypto');
    const headers = { 'X-Webhook-Timestamp': String(timestamp), 'X-Webhook-Signature': signature };

    it('signs the known answer exactly', async () => {
      setPath();
      expect(await signCoverCallback({ taskId, secret, timestamp })).toEqual({
        'x-webhook-timestamp': '1736937181',
        'x-webhook-signature': signature,
      });
    });

    it('verifies the known answer, with header names in any case and any headers form', async () => {
      setPath();
      expect(await verifyCoverCallback({ taskId, headers, secret, now })).toEqual({
        taskId,
        timestamp,
      });
      const lower = {
        'x-webhook-timestamp': [String(timestamp)],
        'x-webhook-signature': signature,
      };
      await expect(
        verifyCoverCallback({ taskId, headers: lower, secret, now }),
      ).resolves.toBeTruthy();
      await expect(
        verifyCoverCallback({ taskId, headers: new Headers(headers), secret, now }),
      ).resolves.toBeTruthy();
    });

    it('reads the task id from the body, raw or parsed, including task_id', async () => {
      setPath();
      const body = {
        code: 200,
        msg: 'ok',
        data: { taskId, images: ['https://cdn.example/u.png'] },
      };
      await expect(verifyCoverCallback({ body, headers, secret, now })).resolves.toBeTruthy();
      await expect(
        verifyCoverCallback({ body: JSON.stringify(body), headers, secret, now }),
      ).resolves.toBeTruthy();
      const snake = { code: 501, data: { task_id: taskId } };
      await expect(
        verifyCoverCallback({ body: snake, headers, secret, now }),
      ).resolves.toBeTruthy();
    });

    it.each<
      [
        string,
        Record<string, string>,
        Partial<Parameters<typeof verifyCoverCallback>[0]>,
        CallbackVerificationReason,
      ]
    >([
      ['no signature', { 'x-webhook-timestamp': String(timestamp) }, {}, 'missing_signature'],
      ['no timestamp', { 'x-webhook-signature': signature }, {}, 'missing_timestamp'],
      [
        'a non-numeric timestamp',
        { 'x-webhook-timestamp': 'soon', 'x-webhook-signature': signature },
        {},
        'invalid_timestamp',
      ],
      [
        'a millisecond timestamp',
        { 'x-webhook-timestamp': String(timestamp * 1000), 'x-webhook-signature': signature },
        {},
        'invalid_timestamp',
      ],
      ['a stale timestamp', headers, { now: (timestamp + 301) * 1000 }, 'timestamp_too_old'],
      [
        'a timestamp from the future',
        headers,
        { now: (timestamp - 301) * 1000 },
        'timestamp_in_future',
      ],
      [
        'a wrong signature',
        { ...headers, 'X-Webhook-Signature': `${signature.slice(0, -2)}x=` },
        {},
        'invalid_signature',
      ],
      [
        'a signature that is not base64',
        { ...headers, 'X-Webhook-Signature': '%%%' },
        {},
        'invalid_signature',
      ],
      [
        'a valid signature for another task',
        headers,
        { taskId: 'another-task' },
        'invalid_signature',
      ],
      ['the wrong secret', headers, { secret: 'whsec_other' }, 'invalid_signature'],
      [
        'no task id',
        headers,
        { taskId: undefined, body: { code: 200, data: {} } },
        'missing_task_id',
      ],
      ['a body that is not JSON', headers, { taskId: undefined, body: 'nope' }, 'missing_task_id'],
    ])('rejects %s with its own reason', async (_name, given, overrides, expected) => {
      setPath();
      expect(
        await reason(verifyCoverCallback({ taskId, headers: given, secret, now, ...overrides })),
      ).toBe(expected);
    });

    it('accepts a timestamp at the edge of a custom tolerance and rejects one past it', async () => {
      setPath();
      await expect(
        verifyCoverCallback({ taskId, headers, secret, now, tolerance: 30 }),
      ).resolves.toBeTruthy();
      expect(
        await reason(verifyCoverCallback({ taskId, headers, secret, now, tolerance: 29 })),
      ).toBe('timestamp_too_old');
    });

    it('round-trips sign and verify for any task id and secret', async () => {
      setPath();
      await fc.assert(
        fc.asyncProperty(
          fc.string({ minLength: 1 }),
          fc.string({ minLength: 1 }),
          async (id, key) => {
            const signed = await signCoverCallback({ taskId: id, secret: key });
            await expect(
              verifyCoverCallback({ taskId: id, headers: signed, secret: key }),
            ).resolves.toMatchObject({ taskId: id });
          },
        ),
        { numRuns: 100 },
      );
    });
  });
}

describe('verifyCoverCallback arguments', () => {
  it('throws InvalidArgumentError without a secret, and never echoes the secret', async () => {
    await expect(verifyCoverCallback({ taskId, headers: {}, secret: '' })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    const error = await verifyCoverCallback({
      taskId,
      headers: { 'x-webhook-timestamp': '1', 'x-webhook-signature': 'x' },
      secret,
      now,
    }).catch((e: Error) => e);
    expect(String(error)).not.toContain(secret);
  });

  it('returns a result or throws a CallbackVerificationError for any headers', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.array(fc.string()))),
        fc.anything(),
        async (headers, body) => {
          try {
            await verifyCoverCallback({ body, headers, secret });
          } catch (error) {
            if (!(error instanceof CallbackVerificationError)) throw error;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
