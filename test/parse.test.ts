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
      parseCoverCallback({
        ...success,
        data: { task_id: taskId, images: ['https://cdn.example/u.png'] },
      }).taskId,
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
    expect(
      parseCoverCallback({ code: '200', data: { taskId, images: ['https://cdn.example/u.png'] } }),
    ).toMatchObject({
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
    [
      'a javascript: image URL',
      { code: 200, data: { taskId, images: ['https://cdn.example/1.png', 'javascript:alert(1)'] } },
      /must be an absolute http: or https: URL/,
      'data.images.1',
    ],
    [
      'a data: image URL',
      { code: 200, data: { taskId, images: ['data:image/png;base64,AAAA'] } },
      /http: or https:/,
      'data.images.0',
    ],
    [
      'a file: image URL on a failure',
      { code: 501, data: { taskId, images: ['file:///etc/passwd'] } },
      /http: or https:/,
      'data.images.0',
    ],
    [
      'a task id over 128 characters',
      { code: 501, data: { taskId: 'a'.repeat(129) } },
      /at most 128 characters/,
      'data.taskId',
    ],
    [
      'a task_id over 128 characters',
      { code: 501, data: { task_id: 'a'.repeat(129) } },
      /at most 128 characters/,
      'data.task_id',
    ],
    [
      'a msg over 1024 characters',
      { code: 501, msg: 'm'.repeat(1025), data: { taskId } },
      /at most 1024 characters/,
      'msg',
    ],
    [
      'more than 8 image URLs',
      { code: 200, data: { taskId, images: Array(9).fill('https://cdn.example/1.png') } },
      /at most 8 image URLs/,
      'data.images',
    ],
    [
      'an image URL over 2048 characters',
      { code: 200, data: { taskId, images: [`https://cdn.example/${'a'.repeat(2029)}`] } },
      /at most 2048 characters/,
      'data.images.0',
    ],
  ])('rejects %s with a CallbackParseError naming where', (_name, body, message, path) => {
    const error = parseError(body);
    expect(error.message).toMatch(message);
    expect(error.path).toBe(path);
    if (path) expect(error.message).toContain(`at ${path}`);
  });

  it('accepts every field at its cap', () => {
    const body = {
      code: 200,
      msg: '€'.repeat(1024),
      data: {
        taskId: 't'.repeat(128),
        images: Array.from({ length: 8 }, (_, i) => `https://cdn.example/${i}/${'a'.repeat(2026)}`),
      },
    };
    const parsed = parseCoverCallback(JSON.stringify(body));
    expect(parsed).toMatchObject({
      taskId: body.data.taskId,
      msg: body.msg,
      images: body.data.images,
    });
    expect(parsed.images.every((url) => url.length === 2048)).toBe(true);
  });

  it('keeps plain image URLs as sent and others as the URL parser normalizes them', () => {
    const images = [
      'https://cdn.example/covers/1.png?x=1#a',
      'http://127.0.0.1:8080/images/2.png',
      'https://bücher.example/封面 1.png',
      ' \thttps://cdn.example/3.png',
    ];
    expect(parseCoverCallback({ code: 200, data: { taskId, images } }).images).toEqual([
      'https://cdn.example/covers/1.png?x=1#a',
      'http://127.0.0.1:8080/images/2.png',
      'https://xn--bcher-kva.example/%E5%B0%81%E9%9D%A2%201.png',
      'https://cdn.example/3.png',
    ]);
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
    const body = `{"code":200,"msg":"ok","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"data":{"taskId":"${taskId}","images":["https://cdn.example/u.png"],"__proto__":{"polluted":true}}}`;
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
    const { coverCallbackSchema } = await import('../src/callback-schema.js');
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
    // Strings just under, at and just over a cap, with one- and two-byte characters.
    const around = (cap: number, prefix = '') =>
      fc
        .tuple(fc.integer({ min: cap - 2, max: cap + 2 }), fc.constantFrom('a', '€', '7', '%'))
        .map(([length, char]) => prefix + char.repeat(Math.max(0, length - prefix.length)));
    const id = fc.oneof(
      fc.constant(undefined),
      fc.constant(''),
      fc.string(),
      fc.integer(),
      fc.constant(null),
      around(128),
    );
    const url = fc.oneof(
      fc.webUrl(),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.integer(),
      around(2048, 'https://cdn.example/'),
      // Normalizing drops tabs: longer as sent than as kept.
      fc
        .integer({ min: 2040, max: 2060 })
        .map((n) => `https://cdn.example/a${'\t'.repeat(n - 21)}`),
      fc.constantFrom(
        'javascript:alert(1)',
        'JavaScript:alert(1)',
        'data:image/png;base64,AAAA',
        'file:///etc/passwd',
        'ftp://cdn.example/a.png',
        ' https://cdn.example/a.png',
        'ht\ttps://cdn.example/a.png',
        'java\nscript:alert(1)',
        'HTTPS://CDN.EXAMPLE/A.PNG',
        'https://xn--zz.example/a.png',
        'https://xn--bcher-kva.example/a.png',
        'https://1.2.3.999/a.png',
        'http://127.0.0.1:8080/a.png',
        'https://cdn.example:99999/a.png',
        'https://cdn.example:443/a/../b.png',
        'https://bücher.example/封面.png',
        'https://user:pass@cdn.example/a.png',
        'https://cdn.example./a.png',
        '/relative.png',
        'https://',
        `https://cdn.example/${'é'.repeat(700)}`,
      ),
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
        msg: fc.oneof(
          fc.string(),
          fc.constant(null),
          fc.constant(undefined),
          fc.integer(),
          around(1024),
        ),
        data: fc.oneof(
          fc.record(
            {
              taskId: id,
              task_id: id,
              images: fc.oneof(
                fc.constant(null),
                fc.constant(undefined),
                fc.array(url, { maxLength: 10 }),
                fc.array(fc.webUrl(), { minLength: 7, maxLength: 10 }),
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
    // Valid shapes whose fields sit at their caps, to hold both readers to the same caps.
    const atTheCaps = fc.record({
      code: fc.constantFrom(200, 501, '531'),
      msg: fc.oneof(fc.string(), around(1024)),
      data: fc.record({
        taskId: fc.oneof(fc.constant('21aee3c3c2a01fa5e030b3799fa4dd56'), around(128)),
        images: fc.oneof(
          fc.array(fc.webUrl(), { minLength: 1, maxLength: 10 }),
          url.map((one) => [one]),
        ),
      }),
    });
    // Market records (with a `state`), inside the envelope and bare: resultJson as a string
    // or an object, malformed, under each of its image keys, at and past the caps.
    const urls = fc.oneof(
      fc.constant(null),
      fc.array(url, { maxLength: 10 }),
      fc.array(fc.webUrl(), { minLength: 1, maxLength: 9 }),
      fc.anything(),
    );
    const result = fc.record(
      { resultUrls: urls, images: urls, imageUrls: urls, other: fc.anything() },
      { requiredKeys: [] },
    );
    const resultJson = fc.oneof(
      result.map((value) => JSON.stringify(value) ?? ''),
      result,
      fc
        .tuple(
          fc.constantFrom('resultUrls', 'images', 'imageUrls'),
          fc.array(url, { maxLength: 3 }),
        )
        .map(([key, list]) => JSON.stringify({ [key]: list })),
      fc.constantFrom('', '{', '[]', 'null', '"x"', '{"resultUrls":[', `${'['.repeat(10_000)}`),
      fc.constant(null),
      fc.constant(undefined),
      fc.anything(),
    );
    const marketRecord = fc.record(
      {
        taskId: id,
        task_id: id,
        state: fc.oneof(
          fc.constantFrom('success', 'fail', 'waiting', 'queuing', 'generating', 'SUCCESS', 'Fail'),
          fc.constantFrom('done', 'constructor', '__proto__', 'toString', ''),
          fc.string(),
          fc.integer(),
          fc.constant(null),
        ),
        resultJson,
        failCode: fc.oneof(
          fc.constantFrom('', '0', '200', '531', '-1', '501 ', '99999999999999999999'),
          fc.integer(),
          fc.double(),
          fc.string(),
          fc.constant(null),
          fc.anything(),
        ),
        failMsg: fc.oneof(fc.string(), fc.constant(null), fc.integer(), around(1024)),
        extra: fc.anything(),
      },
      { requiredKeys: [] },
    );
    const market = fc.oneof(
      fc.record(
        {
          code: fc.oneof(fc.constantFrom(200, 0, 408, 501, '531'), fc.integer(), fc.string()),
          msg: fc.oneof(fc.string(), fc.constant(null), fc.integer(), around(1024)),
          data: marketRecord,
        },
        { requiredKeys: ['data'] },
      ),
      marketRecord,
      // A bare record beside `data`: then it is not bare.
      marketRecord.map((record) => ({ ...record, data: null })),
    );
    fc.assert(fc.property(nearValid, same), { numRuns: 5_000 });
    fc.assert(fc.property(atTheCaps, same), { numRuns: 2_000 });
    // Valid Market shapes, fields at and past their caps.
    const goodRecord = fc.record({
      taskId: fc.oneof(fc.constant('task_12345678'), around(128)),
      state: fc.constantFrom('success', 'fail', 'SUCCESS', 'generating'),
      resultJson: fc
        .tuple(
          fc.constantFrom('resultUrls', 'images', 'imageUrls'),
          fc.oneof(
            fc.array(fc.webUrl(), { minLength: 1, maxLength: 9 }),
            url.map((one) => [one]),
          ),
          fc.boolean(),
        )
        .map(([key, list, asString]) =>
          asString ? JSON.stringify({ [key]: list }) : { [key]: list },
        ),
      failCode: fc.oneof(fc.constantFrom('', '531', '0', '200'), fc.integer()),
      failMsg: fc.oneof(fc.string(), around(1024)),
    });
    const goodMarket = fc.oneof(
      fc.record({
        code: fc.constantFrom(200, 0, 501, '531'),
        msg: fc.oneof(fc.string(), around(1024)),
        data: goodRecord,
      }),
      goodRecord,
    );
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(market, goodMarket), (value) => {
        same(value);
        if (coverCallbackSchema.safeParse(value).success) accepted++;
      }),
      { numRuns: 5_000 },
    );
    // Enough of them are valid for the comparison to reach the success and failure paths.
    expect(accepted).toBeGreaterThan(500);
    fc.assert(fc.property(fc.anything(), same), { numRuns: 1_000 });
  });
});

it('applies a smaller maxBytes to a body it has just parsed', () => {
  const body = JSON.stringify({
    code: 200,
    msg: 'success',
    data: { taskId: 't-1', images: ['https://cdn.example/1.png'] },
  });
  expect(parseCoverCallback(body).taskId).toBe('t-1');
  expect(() => parseCoverCallback(body, { maxBytes: 20 })).toThrow(/larger than 20 bytes/);
});
