import fc from 'fast-check';
import {
  CallbackCode,
  CallbackParseError,
  isRefundedCode,
  isRetryableCode,
  isSuccessCode,
  isTerminalCode,
  parseCoverCallback,
} from 'suno-cover';
import { describe, expect, it } from 'vitest';

const taskId = '21aee3c3c2a01fa5e030b3799fa4dd56';
const success = {
  code: 200,
  msg: 'success',
  data: { taskId, images: ['https://cdn.example/1.png', 'https://cdn.example/2.png'] },
};
const failure = { code: 501, msg: 'Cover generation failed', data: { taskId, images: null } };

function parseError(body: unknown): CallbackParseError {
  try {
    parseCoverCallback(body);
  } catch (error) {
    expect(error).toBeInstanceOf(CallbackParseError);
    return error as CallbackParseError;
  }
  throw new Error('expected a CallbackParseError');
}

describe('parseCoverCallback', () => {
  it('parses a success into status succeeded with its images', () => {
    expect(parseCoverCallback(JSON.stringify(success))).toEqual({
      status: 'succeeded',
      taskId,
      code: 200,
      msg: 'success',
      images: success.data.images,
    });
  });

  it('parses a failure with images: null into status failed with an empty image list', () => {
    expect(parseCoverCallback(JSON.stringify(failure))).toEqual({
      status: 'failed',
      taskId,
      code: 501,
      msg: 'Cover generation failed',
      images: [],
      refunded: false,
      retryable: false,
    });
  });

  it('marks 531 as refunded and retryable', () => {
    const parsed = parseCoverCallback({ ...failure, code: 531 });
    expect(parsed).toMatchObject({ status: 'failed', refunded: true, retryable: true });
  });

  it('keeps an unknown code as a failure with its number, and msg verbatim', () => {
    const parsed = parseCoverCallback({ code: 777, msg: '生成失败', data: { taskId } });
    expect(parsed).toMatchObject({
      status: 'failed',
      code: 777,
      msg: '生成失败',
      images: [],
      refunded: false,
    });
  });

  it('reads data.task_id as the task id', () => {
    expect(
      parseCoverCallback({ ...success, data: { task_id: taskId, images: ['u'] } }).taskId,
    ).toBe(taskId);
  });

  it('accepts bytes, an ArrayBuffer and an already-parsed object alike', () => {
    const bytes = new TextEncoder().encode(JSON.stringify(success));
    const fromBytes = parseCoverCallback(bytes);
    expect(parseCoverCallback(bytes.buffer.slice(0))).toEqual(fromBytes);
    expect(parseCoverCallback(success)).toEqual(fromBytes);
    expect(parseCoverCallback(JSON.stringify(success))).toEqual(fromBytes);
  });

  it('accepts the code as a numeric string and a missing msg', () => {
    expect(parseCoverCallback({ code: '200', data: { taskId, images: ['u'] } })).toMatchObject({
      code: 200,
      msg: '',
    });
  });

  it.each<[string, unknown, RegExp, string]>([
    ['not JSON', '{"code":200,', /not valid JSON/, ''],
    ['empty', '  ', /empty/, ''],
    ['a number', 42, /expected a JSON string, bytes or a parsed object, got 42/, ''],
    ['null', null, /got null/, ''],
    ['an array', [success], /got an array/, ''],
    ['JSON that is not an object', '[1,2]', /expected object/, ''],
    ['no data', { code: 200, msg: 'x' }, /expected object/, 'data'],
    [
      'no task id',
      { code: 501, msg: 'x', data: { images: null } },
      /task id is missing/,
      'data.taskId',
    ],
    ['an empty task id', { code: 501, data: { taskId: '' } }, /must not be empty/, 'data.taskId'],
    [
      'a success without images',
      { code: 200, data: { taskId, images: [] } },
      /at least one image/,
      'data.images',
    ],
    ['a non-integer code', { code: 200.5, data: { taskId } }, /unexpected type or format/, 'code'],
    [
      'images that are not strings',
      { code: 200, data: { taskId, images: [1] } },
      /expected string/,
      'data.images.0',
    ],
  ])('rejects %s with a CallbackParseError naming where', (_name, body, message, path) => {
    const error = parseError(body);
    expect(error.message).toMatch(message);
    expect(error.path).toBe(path);
    if (path) expect(error.message).toContain(`at ${path}`);
  });

  it('rejects a body larger than maxBytes, as a string and as bytes', () => {
    const big = JSON.stringify({ ...success, padding: 'x'.repeat(70_000) });
    expect(parseError(big).message).toMatch(/larger than 65536 bytes/);
    expect(parseError(new TextEncoder().encode(big)).message).toMatch(/larger than/);
    expect(() => parseCoverCallback(JSON.stringify(success), { maxBytes: 50 })).toThrow(
      /larger than 50 bytes/,
    );
  });

  it('rejects bytes that are not UTF-8', () => {
    expect(parseError(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])).message).toMatch(/not valid UTF-8/);
  });

  it('rejects absurdly deep nesting without a crash', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(parseError(`{"code":200,"msg":"","data":${deep}}`)).toBeInstanceOf(CallbackParseError);
  });

  it('drops __proto__ and constructor keys without touching any prototype', () => {
    const body = `{"code":200,"msg":"ok","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"data":{"taskId":"${taskId}","images":["u"],"__proto__":{"polluted":true}}}`;
    const parsed = parseCoverCallback(body);
    expect(Object.keys(parsed).sort()).toEqual(['code', 'images', 'msg', 'status', 'taskId']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });

  it('returns a result or throws CallbackParseError for any string, bytes or JSON value', () => {
    const check = (body: unknown) => {
      try {
        const parsed = parseCoverCallback(body);
        expect(typeof parsed.taskId).toBe('string');
        expect(parsed.status === 'succeeded' ? parsed.images.length > 0 : parsed.code !== 200).toBe(
          true,
        );
      } catch (error) {
        if (!(error instanceof CallbackParseError)) throw error;
      }
    };
    fc.assert(fc.property(fc.string(), check), { numRuns: 500 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), check), { numRuns: 300 });
    fc.assert(
      fc.property(fc.jsonValue(), (value) => check(JSON.stringify(value))),
      { numRuns: 500 },
    );
    fc.assert(fc.property(fc.anything(), check), { numRuns: 500 });
    // Near-valid bodies: the real shape with arbitrary values in each place.
    const nearValid = fc.record({
      code: fc.oneof(fc.integer(), fc.string(), fc.constant(200), fc.constant(null)),
      msg: fc.oneof(fc.string(), fc.constant(null), fc.integer()),
      data: fc.oneof(
        fc.record({
          taskId: fc.oneof(fc.string(), fc.integer(), fc.constant(undefined)),
          task_id: fc.oneof(fc.string(), fc.constant(undefined)),
          images: fc.oneof(fc.array(fc.oneof(fc.string(), fc.integer())), fc.constant(null)),
        }),
        fc.anything(),
      ),
    });
    fc.assert(fc.property(nearValid, check), { numRuns: 1000 });
  });
});

describe('CallbackCode', () => {
  it('names each documented code', () => {
    expect(CallbackCode).toEqual({
      Success: 200,
      ValidationError: 400,
      RateLimited: 408,
      ServerError: 500,
      GenerationFailed: 501,
      FailedRefunded: 531,
    });
  });

  it('answers the questions a user asks of a code', () => {
    const codes = [200, 400, 408, 500, 501, 531, 999];
    expect(codes.filter(isSuccessCode)).toEqual([200]);
    expect(codes.filter(isRefundedCode)).toEqual([531]);
    expect(codes.filter(isRetryableCode)).toEqual([408, 500, 531]);
    expect(codes.every(isTerminalCode)).toBe(true);
  });
});

describe('the hand-written callback reader', () => {
  it('accepts and rejects exactly what coverCallbackSchema does, with the same result', async () => {
    const { coverCallbackSchema } = await import('../src/schemas.js');
    const { toCoverCallback } = await import('../src/callbacks.js');
    const same = (value: unknown) => {
      const expected = coverCallbackSchema.safeParse(value);
      let actual: unknown;
      let failed = false;
      try {
        actual = toCoverCallback(value);
      } catch (error) {
        expect(error).toBeInstanceOf(CallbackParseError);
        failed = true;
      }
      expect(failed).toBe(!expected.success);
      if (expected.success) expect(actual).toEqual(expected.data);
    };
    const id = fc.oneof(
      fc.constant(undefined),
      fc.constant(''),
      fc.string(),
      fc.integer(),
      fc.constant(null),
    );
    const nearValid = fc.record(
      {
        code: fc.oneof(
          fc.integer(),
          fc.constant(200),
          fc.constant('200'),
          fc.constant('531'),
          fc.string(),
          fc.double(),
          fc.constant(null),
        ),
        msg: fc.oneof(fc.string(), fc.constant(null), fc.constant(undefined), fc.integer()),
        data: fc.oneof(
          fc.record(
            {
              taskId: id,
              task_id: id,
              images: fc.oneof(
                fc.constant(null),
                fc.constant(undefined),
                fc.array(fc.oneof(fc.webUrl(), fc.integer()), { maxLength: 3 }),
              ),
              extra: fc.anything(),
            },
            { requiredKeys: [] },
          ),
          fc.anything(),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(nearValid, same), { numRuns: 5_000 });
    fc.assert(fc.property(fc.anything(), same), { numRuns: 1_000 });
  });
});
