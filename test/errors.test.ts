import {
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  InsufficientCreditsError,
  NotFoundError,
  RateLimitError,
  RequestTimeoutError,
  ResponseValidationError,
  ServerError,
  ServiceUnavailableError,
  SunoCover,
  SunoCoverError,
} from 'suno-cover';
import type { SimulatorFault } from 'suno-cover/testing';
import { describe, expect, it } from 'vitest';
import { rejection, setup } from './helpers.js';

const noRetries = { maxRetries: 0 };

describe('the envelope check', () => {
  it.each<
    [string, SimulatorFault, new (...args: never[]) => ApiError, { status: number; code: number }]
  >([
    [
      'HTTP 200 with body code 422',
      { code: 422, msg: 'Validation error' },
      BadRequestError,
      { status: 200, code: 422 },
    ],
    ['HTTP 200 with body code 401', { code: 401 }, AuthenticationError, { status: 200, code: 401 }],
    [
      'HTTP 200 with body code 402',
      { code: 402 },
      InsufficientCreditsError,
      { status: 200, code: 402 },
    ],
    ['HTTP 200 with body code 404', { code: 404 }, NotFoundError, { status: 200, code: 404 }],
    ['HTTP 200 with body code 429', { code: 429 }, RateLimitError, { status: 200, code: 429 }],
    ['HTTP 200 with body code 430', { code: 430 }, RateLimitError, { status: 200, code: 430 }],
    [
      'HTTP 200 with body code 405 (older scheme)',
      { code: 405 },
      RateLimitError,
      { status: 200, code: 405 },
    ],
    [
      'HTTP 200 with body code 455',
      { code: 455 },
      ServiceUnavailableError,
      { status: 200, code: 455 },
    ],
    ['HTTP 200 with body code 501', { code: 501 }, ServerError, { status: 200, code: 501 }],
    ['HTTP 200 with body code 505', { code: 505 }, ServerError, { status: 200, code: 505 }],
    ['HTTP 200 with an unknown body code', { code: 499 }, ApiError, { status: 200, code: 499 }],
    [
      'HTTP 500 with the same envelope',
      { status: 500, code: 500 },
      ServerError,
      { status: 500, code: 500 },
    ],
    [
      'HTTP 500 carrying body code 422',
      { status: 500, code: 422 },
      BadRequestError,
      { status: 500, code: 422 },
    ],
    [
      'HTTP 401 without an envelope',
      { status: 401, body: 'Unauthorized' },
      AuthenticationError,
      { status: 401, code: 401 },
    ],
    [
      'HTTP 503 with an HTML page',
      { status: 503, body: '<html>down</html>' },
      ServiceUnavailableError,
      { status: 503, code: 503 },
    ],
    [
      'HTTP 502 with an envelope that says 200',
      { status: 502, code: 200 },
      ServerError,
      { status: 502, code: 502 },
    ],
  ])('maps %s to the right error class', async (_name, fault, ErrorClass, fields) => {
    const { sim, suno } = await setup({}, noRetries);
    sim.fail('credit', fault);
    const error = await rejection(suno.credits());
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(SunoCoverError);
    expect(error).toMatchObject({ ...fields, endpoint: 'GET /api/v1/generate/credit' });
    expect((error as Error).message).toContain('GET /api/v1/generate/credit failed');
  });

  it('keeps the msg verbatim and the raw body on ApiError', async () => {
    const { sim, suno } = await setup({}, noRetries);
    sim.fail('credit', { code: 422, msg: 'Параметр неверен' });
    const error = (await rejection(suno.credits())) as ApiError;
    expect(error.msg).toBe('Параметр неверен');
    expect(error.body).toEqual({ code: 422, msg: 'Параметр неверен', data: null });
    expect(error.message).toContain('Параметр неверен (code 422, HTTP 200)');
  });

  it('reads Retry-After into retryAfter on a RateLimitError', async () => {
    const { sim, suno } = await setup({}, noRetries);
    sim.fail('credit', { status: 429, retryAfter: 7 });
    const error = (await rejection(suno.credits())) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfter).toBe(7000);
  });

  it('throws ResponseValidationError for a 200 body that is not JSON', async () => {
    const { sim, suno } = await setup({}, noRetries);
    sim.fail('credit', { body: '{"code":200,"msg":"succ' });
    const error = (await rejection(suno.credits())) as ResponseValidationError;
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.message).toMatch(/not JSON/);
    expect(error.body).toBe('{"code":200,"msg":"succ');
  });

  it('throws ResponseValidationError naming the field when data has the wrong shape', async () => {
    const { sim, suno } = await setup({}, noRetries);
    sim.fail('record-info', {
      body: JSON.stringify({
        code: 200,
        msg: 'success',
        data: { taskId: 'x', successFlag: 'soon' },
      }),
    });
    const error = (await rejection(suno.covers.get('x'))) as ResponseValidationError;
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(error.issues.some((issue) => issue.path.join('.') === 'data.successFlag')).toBe(true);
    expect(error.message).toContain('data.successFlag');
  });

  it('throws ResponseValidationError for a JSON body that is not an envelope', async () => {
    const { sim, suno } = await setup({}, noRetries);
    sim.fail('credit', { body: '[1,2,3]' });
    await expect(suno.credits()).rejects.toThrow(/not a \{ code, msg, data \} envelope/);
  });
});

describe('record-info parsing', () => {
  const details = (data: Record<string, unknown>) =>
    JSON.stringify({
      code: 200,
      msg: 'success',
      data: {
        taskId: 't1',
        parentTaskId: 'm1',
        callbackUrl: null,
        response: null,
        createTime: null,
        completeTime: null,
        ...data,
      },
    });

  it.each([
    [{ successFlag: 0, errorCode: null, errorMessage: null }, 'pending'],
    [{ successFlag: 2, errorCode: 0, errorMessage: '' }, 'generating'],
    [{ successFlag: '2', errorCode: '200', errorMessage: null }, 'generating'],
    [{ successFlag: 3, errorCode: 501, errorMessage: 'failed' }, 'failed'],
    [{ successFlag: 0, errorCode: null, errorMessage: 'Sensitive word found' }, 'failed'],
    [{ successFlag: 2, errorCode: 500, errorMessage: null }, 'failed'],
    [{ successFlag: 'GENERATE_COVER_FAILED', errorCode: null, errorMessage: null }, 'failed'],
    [{ successFlag: 7, errorCode: null, errorMessage: null }, 'pending'],
  ])('derives status from %j as %s', async (data, status) => {
    const { sim, suno } = await setup({}, noRetries);
    sim.fail('record-info', { body: details(data) });
    expect((await suno.covers.get('t1')).status).toBe(status);
  });

  it('accepts epoch-millisecond times, callBackUrl spelled as in the request, and extra fields', async () => {
    const { sim, suno } = await setup({}, noRetries);
    sim.fail('record-info', {
      body: details({
        successFlag: 1,
        createTime: 1_736_937_181_000,
        completeTime: 'not a date',
        callbackUrl: undefined,
        callBackUrl: 'https://example.com/cb',
        response: { images: ['https://cdn.example/1.png'], extra: true },
        somethingNew: { nested: 1 },
      }),
    });
    const result = await suno.covers.get('t1');
    expect(result.createTime?.toISOString()).toBe('2025-01-15T10:33:01.000Z');
    expect(result.completeTime).toBeNull();
    expect(result.callbackUrl).toBe('https://example.com/cb');
    expect(result.images).toEqual(['https://cdn.example/1.png']);
    expect(result.errorCode).toBeNull();
  });
});

describe('failures without an answer', () => {
  it('throws ConnectionError when the connection is reset, with the network error as cause', async () => {
    const { sim, suno } = await setup({}, noRetries);
    sim.fail('credit', { reset: true });
    const error = (await rejection(suno.credits())) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.endpoint).toBe('GET /api/v1/generate/credit');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('throws ConnectionError when nothing listens', async () => {
    const { sim } = await setup();
    await sim.close();
    const suno = new SunoCover({ apiKey: 'k', baseUrl: sim.url, maxRetries: 0 });
    const error = await rejection(suno.credits());
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('throws RequestTimeoutError when the host does not answer within the timeout', async () => {
    const { sim, suno } = await setup({}, { ...noRetries, timeout: 150 });
    sim.fail('credit', { hang: true });
    const error = (await rejection(suno.credits())) as RequestTimeoutError;
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.timeout).toBe(150);
    expect(error.message).toMatch(/no response from 127\.0\.0\.1:\d+ within 150 ms/);
  });

  it('lets a per-call timeout override the client timeout', async () => {
    const { sim, suno } = await setup({}, noRetries);
    sim.fail('credit', { hang: true });
    const error = (await rejection(suno.credits({ timeout: 100 }))) as RequestTimeoutError;
    expect(error.timeout).toBe(100);
  });
});
