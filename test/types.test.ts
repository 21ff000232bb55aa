/**
What the types promise. `npm test` runs `tsc --noEmit` over test/ too, so every
`expectTypeOf` and `@ts-expect-error` here fails the typecheck when a type stops saying
what it says today; the runtime assertions hold the same facts for the values.
*/
import * as sdk from 'suno-cover';
import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  CallbackCode,
  CallbackParseError,
  CallbackVerificationError,
  ClientClosedError,
  ConnectionError,
  type CoverCallback,
  type CoverResult,
  DownloadError,
  InsufficientCreditsError,
  InvalidArgumentError,
  ListenerError,
  NotFoundError,
  parseCoverCallback,
  RateLimitError,
  RequestTimeoutError,
  ResponseValidationError,
  ServerError,
  ServiceUnavailableError,
  SunoCoverError,
  signCoverCallback,
  TaskFailedError,
  TaskTimeoutError,
  type TimeoutEvent,
} from 'suno-cover';
import { describe, expect, expectTypeOf, it } from 'vitest';

const details = { status: 404, code: 404, msg: 'Not found', endpoint: 'GET /x', body: null };

/** One instance of every error class, keyed by the name it must carry. */
const errors = {
  SunoCoverError: new SunoCoverError('x'),
  InvalidArgumentError: new InvalidArgumentError('x'),
  ApiError: new ApiError(details),
  BadRequestError: new BadRequestError(details),
  AuthenticationError: new AuthenticationError(details),
  InsufficientCreditsError: new InsufficientCreditsError(details),
  NotFoundError: new NotFoundError(details),
  RateLimitError: new RateLimitError(details),
  ServiceUnavailableError: new ServiceUnavailableError(details),
  ServerError: new ServerError(details),
  ConnectionError: new ConnectionError('GET /x', 'refused'),
  RequestTimeoutError: new RequestTimeoutError('GET /x', 10),
  ResponseValidationError: new ResponseValidationError('GET /x', null, []),
  CallbackParseError: new CallbackParseError('x'),
  CallbackVerificationError: new CallbackVerificationError('invalid_signature', 'x'),
  ListenerError: new ListenerError('status', new Error('x')),
  TaskFailedError: new TaskFailedError({
    taskId: 't',
    code: 501,
    msg: 'x',
    refunded: false,
    retryable: false,
    source: 'poll',
  }),
  TaskTimeoutError: new TaskTimeoutError('t', 'pending', 10),
  ClientClosedError: new ClientClosedError(),
  DownloadError: new DownloadError({
    url: 'https://x/1.png',
    reason: 'status',
    message: 'HTTP 404',
    attempts: 1,
  }),
};
type Errors = typeof errors;
/** The classes with subclasses: their `name` is the union of their own and their subclasses'. */
type Branches = 'SunoCoverError' | 'ApiError' | 'ConnectionError';
type Leaves = Exclude<keyof Errors, Branches>;

describe('error names', () => {
  it('names every exported error class by its own name, at runtime and in its stack', () => {
    const exported = Object.entries(sdk)
      .filter(
        ([, value]) =>
          typeof value === 'function' &&
          (value === SunoCoverError || value.prototype instanceof SunoCoverError),
      )
      .map(([name]) => name);
    expect(Object.keys(errors).sort()).toEqual(exported.sort());
    for (const [name, error] of Object.entries(errors)) {
      expect(error.name).toBe(name);
      expect((sdk as unknown as Record<string, { name: string }>)[name]?.name).toBe(name);
      expect(error.stack?.startsWith(`${name}: `)).toBe(true);
    }
  });

  it('types every name as a literal: its own for a leaf class, a union of the subtree for the others', () => {
    expectTypeOf<{ [K in Leaves]: Errors[K]['name'] }>().toEqualTypeOf<{ [K in Leaves]: K }>();
    expectTypeOf<ConnectionError['name']>().toEqualTypeOf<
      'ConnectionError' | 'RequestTimeoutError'
    >();
    expectTypeOf<ApiError['name']>().toEqualTypeOf<
      | 'ApiError'
      | 'BadRequestError'
      | 'AuthenticationError'
      | 'InsufficientCreditsError'
      | 'NotFoundError'
      | 'RateLimitError'
      | 'ServiceUnavailableError'
      | 'ServerError'
    >();
    expectTypeOf<SunoCoverError['name']>().toEqualTypeOf<keyof Errors>();
    const error: SunoCoverError = errors.RateLimitError;
    // A literal union catches a misspelt name at compile time.
    // @ts-expect-error 'RateLimitedError' is not the name of any class
    expect(error.name === 'RateLimitedError').toBe(false);
    expect(error.name === 'RateLimitError').toBe(true);
  });
});

describe('instanceof within one copy', () => {
  it('follows the class tree: subclasses yes, siblings and plain errors no', () => {
    expect(errors.NotFoundError instanceof NotFoundError).toBe(true);
    expect(errors.NotFoundError instanceof ApiError).toBe(true);
    expect(errors.NotFoundError instanceof SunoCoverError).toBe(true);
    expect(errors.NotFoundError instanceof Error).toBe(true);
    expect(errors.NotFoundError instanceof RateLimitError).toBe(false);
    expect(errors.ApiError instanceof NotFoundError).toBe(false);
    expect(errors.RequestTimeoutError instanceof ConnectionError).toBe(true);
    expect(errors.ConnectionError instanceof RequestTimeoutError).toBe(false);
    expect(new Error('x') instanceof SunoCoverError).toBe(false);
    for (const value of [null, undefined, 'NotFoundError', 404, {}])
      expect(value instanceof NotFoundError).toBe(false);
  });

  it('narrows a caught value to the class it was checked against', () => {
    const caught: unknown = errors.RateLimitError;
    if (caught instanceof ApiError) {
      expectTypeOf(caught).toEqualTypeOf<ApiError>();
      expect(caught.status).toBe(404);
    } else {
      expectTypeOf(caught).toEqualTypeOf<unknown>();
      expect.unreachable('a RateLimitError is an ApiError');
    }
  });
});

describe('statuses', () => {
  it('types the last status of a timeout as the statuses a waiting task can have', () => {
    type Waiting = 'pending' | 'generating' | 'unknown';
    expectTypeOf<TaskTimeoutError['lastStatus']>().toEqualTypeOf<Waiting>();
    expectTypeOf<TimeoutEvent['lastStatus']>().toEqualTypeOf<Waiting>();
    // @ts-expect-error a task that ended does not time out
    expect(new TaskTimeoutError('t', 'succeeded', 1).lastStatus).toBe('succeeded');
  });
});

describe('parsed callbacks', () => {
  it('narrows a callback on its status', () => {
    const callback: CoverCallback = parseCoverCallback({ code: 531, data: { taskId: 't' } });
    // Only a failure says whether it was refunded.
    expectTypeOf(callback.refunded).toEqualTypeOf<boolean | undefined>();
    if (callback.status === 'failed') {
      expectTypeOf(callback.refunded).toEqualTypeOf<boolean>();
      expect(callback.retryable).toBe(true);
    } else {
      expectTypeOf(callback.code).toEqualTypeOf<200>();
      expect.unreachable('code 531 is a failure');
    }
  });

  it('does not narrow a callback on its code, as its JSDoc says: a failure code is any number', () => {
    const callback: CoverCallback = parseCoverCallback({
      code: 200,
      data: { taskId: 't', images: ['https://example.com/1.png'] },
    });
    if (callback.code === CallbackCode.Success) {
      expectTypeOf(callback).toEqualTypeOf<CoverCallback>();
      expect(callback.status).toBe('succeeded');
    }
    expectTypeOf<Extract<CoverCallback, { status: 'failed' }>['code']>().toEqualTypeOf<number>();
  });
});

describe('signCoverCallback', () => {
  it('fails the typecheck where an un-awaited result is spread into request headers', async () => {
    const params = { taskId: 't', secret: 's' };
    // Never called: it only has to typecheck (or not).
    const forgotten = (url: string) =>
      fetch(url, {
        method: 'POST',
        // @ts-expect-error a promise's methods are not header values: `await` is missing
        headers: { 'content-type': 'application/json', ...signCoverCallback(params) },
      });
    expect(typeof forgotten).toBe('function');
    // What the typecheck guards against: the promise spreads into nothing.
    expect(Object.keys({ ...signCoverCallback(params) })).toEqual([]);
    expect(Object.keys({ ...(await signCoverCallback(params)) }).sort()).toEqual([
      'x-webhook-signature',
      'x-webhook-timestamp',
    ]);
  });
});

describe('CoverResult', () => {
  it('says a result came from a callback or a poll, never from the submit', () => {
    expectTypeOf<CoverResult['source']>().toEqualTypeOf<'callback' | 'poll'>();
    const result: CoverResult = { taskId: 't', parentTaskId: null, images: [], source: 'poll' };
    // @ts-expect-error a task never settles on submit
    const wrong: CoverResult = { ...result, source: 'submit' };
    expect([result.source, wrong.source]).toEqual(['poll', 'submit']);
  });
});
